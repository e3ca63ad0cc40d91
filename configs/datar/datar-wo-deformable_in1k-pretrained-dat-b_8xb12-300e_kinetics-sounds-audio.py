# Table 4 'without deformable': the deformable blocks keep their attention
# with the offsets fixed at zero (keys on the reference grid, DAT's `no_off`;
# fallback_block='F'), so every DAT-B tensor but the offset networks' is
# loaded and the ablation removes only the learned offsets. No input
# adaptor. fallback_block='S' gives the former Swin-style variant (shifted
# windows whose weights DAT-B does not have there: 13.7 M parameters left
# at random init).
_base_ = ['./datar_in1k-pretrained-dat-b_8xb12-300e_kinetics-sounds-audio.py']

model = dict(
    backbone=dict(deformable=False, fallback_block='F', input_adaptor=None))
