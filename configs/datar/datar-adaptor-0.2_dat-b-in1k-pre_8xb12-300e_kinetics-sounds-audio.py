# Table 4 'deform.+adaptor: lambda = 0.2'.
_base_ = ['./datar_dat-b-in1k-pre_8xb12-300e_kinetics-sounds-audio.py']

model = dict(backbone=dict(input_adaptor=dict(lam=0.2)))
