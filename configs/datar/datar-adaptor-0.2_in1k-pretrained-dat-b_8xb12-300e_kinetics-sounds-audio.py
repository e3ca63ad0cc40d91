# Table 4 'deform.+adaptor: lambda = 0.2'.
_base_ = ['./datar_in1k-pretrained-dat-b_8xb12-300e_kinetics-sounds-audio.py']

model = dict(backbone=dict(input_adaptor=dict(lam=0.2)))
