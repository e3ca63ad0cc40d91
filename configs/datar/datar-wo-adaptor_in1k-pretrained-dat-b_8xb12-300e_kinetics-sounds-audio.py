# Table 4 'with deformable': DATAR without the input adaptor.
_base_ = ['./datar_in1k-pretrained-dat-b_8xb12-300e_kinetics-sounds-audio.py']

model = dict(backbone=dict(input_adaptor=None))
