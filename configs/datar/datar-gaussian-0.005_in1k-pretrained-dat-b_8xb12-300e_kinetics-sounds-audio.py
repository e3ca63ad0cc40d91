# Table 4 'deformable + N(0, 0.005)': Gaussian input perturbation (std 0.005,
# training only) instead of the learnable adaptor.
_base_ = ['./datar_in1k-pretrained-dat-b_8xb12-300e_kinetics-sounds-audio.py']

model = dict(
    backbone=dict(
        input_adaptor=dict(
            _delete_=True,
            type='InputPerturbation',
            distribution='gaussian',
            scale=0.005)))
