# Table 4 'without deformable': every deformable block replaced by a
# shifted-window block (a Swin-style pyramid); no input adaptor.
_base_ = ['./datar_dat-b-in1k-pre_8xb12-300e_kinetics-sounds-audio.py']

model = dict(backbone=dict(deformable=False, input_adaptor=None))
