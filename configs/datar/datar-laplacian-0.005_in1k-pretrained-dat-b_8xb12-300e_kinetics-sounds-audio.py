# Table 4 'deformable + L(0, 0.005)': Laplacian input perturbation (scale
# 0.005, training only) instead of the learnable adaptor.
_base_ = ['./datar_in1k-pretrained-dat-b_8xb12-300e_kinetics-sounds-audio.py']

model = dict(
    backbone=dict(
        input_adaptor=dict(
            _delete_=True,
            type='InputPerturbation',
            distribution='laplacian',
            scale=0.005)))
