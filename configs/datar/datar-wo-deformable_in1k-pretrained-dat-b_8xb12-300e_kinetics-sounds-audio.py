# Table 4 'without deformable': every deformable block replaced by a
# shifted-window block (a Swin-style pyramid); no input adaptor.
_base_ = ['./datar_in1k-pretrained-dat-b_8xb12-300e_kinetics-sounds-audio.py']

model = dict(backbone=dict(deformable=False, input_adaptor=None))
