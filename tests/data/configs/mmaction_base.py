# Inherits MMAction2's runtime through the `mmaction::` prefix, which makes
# mmengine look the package up (tests the pkg_resources shim).
_base_ = 'mmaction::_base_/default_runtime.py'
