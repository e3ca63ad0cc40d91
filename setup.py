# Copyright (c) mmvb contributors. All rights reserved.
import os
import os.path as osp
import shutil
import sys
import warnings
from setuptools import find_packages, setup


def readme():
    with open('README.md', encoding='utf-8') as f:
        return f.read()


version_file = 'mmvb/version.py'


def get_version():
    with open(version_file) as f:
        exec(compile(f.read(), version_file, 'exec'))
    return locals()['__version__']


def parse_requirements(fname):
    """Read a requirements file into a list of requirement strings.

    Comments (whole-line or trailing) and blank lines are dropped; ``-r``
    includes are followed.
    """
    reqs = []
    with open(fname) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            if line.startswith('-r '):
                reqs += parse_requirements(
                    osp.join(osp.dirname(fname), line[3:].strip()))
            else:
                reqs.append(line)
    return reqs


def add_mim_extension():
    """Add ``configs``, ``tools`` and ``model-index.yml`` to ``mmvb/.mim``.

    ``mim`` and ``mmengine`` look for a package's configs and tools under
    ``<package>/.mim``. Editable installs get symlinks (so edits show up);
    wheel/sdist builds get copies, which ``MANIFEST.in`` packages.
    """
    if any(cmd in sys.argv for cmd in ('develop', 'editable_wheel')):
        mode = 'symlink'
    elif any(
            cmd in sys.argv
            for cmd in ('sdist', 'bdist_wheel', 'build', 'install')):
        mode = 'copy'
    else:
        return

    filenames = ['tools', 'configs', 'model-index.yml']
    repo_path = osp.dirname(osp.abspath(__file__))
    mim_path = osp.join(repo_path, 'mmvb', '.mim')
    os.makedirs(mim_path, exist_ok=True)

    for filename in filenames:
        src_path = osp.join(repo_path, filename)
        tar_path = osp.join(mim_path, filename)
        if not osp.exists(src_path):
            continue
        if osp.isfile(tar_path) or osp.islink(tar_path):
            os.remove(tar_path)
        elif osp.isdir(tar_path):
            shutil.rmtree(tar_path)

        if mode == 'symlink':
            src_relpath = osp.relpath(src_path, osp.dirname(tar_path))
            try:
                os.symlink(src_relpath, tar_path)
            except OSError:
                warnings.warn(f'Failed to symlink {src_relpath} to '
                              f'{tar_path}; copying instead.')
                mode = 'copy'
        if mode == 'copy':
            if osp.isfile(src_path):
                shutil.copyfile(src_path, tar_path)
            else:
                shutil.copytree(
                    src_path,
                    tar_path,
                    ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mmvb',
        version=get_version(),
        description='MM video behaviour: five video/audio behaviour '
        'understanding methods as an MMAction2 plugin',
        long_description=readme(),
        long_description_content_type='text/markdown',
        author='mmvb contributors',
        keywords='computer vision, video understanding, action recognition, '
        'audio, localization, mmaction2',
        packages=find_packages(
            exclude=('configs', 'tools', 'demo', 'tests', 'tests.*')),
        include_package_data=True,
        classifiers=[
            'Development Status :: 4 - Beta',
            'License :: OSI Approved :: Apache Software License',
            'Operating System :: OS Independent',
            'Programming Language :: Python :: 3',
            'Programming Language :: Python :: 3.8',
            'Programming Language :: Python :: 3.9',
            'Programming Language :: Python :: 3.10',
            'Programming Language :: Python :: 3.11',
            'Programming Language :: Python :: 3.12',
        ],
        license='Apache License 2.0',
        python_requires='>=3.8',
        install_requires=parse_requirements('requirements/runtime.txt'),
        extras_require={
            'all':
            parse_requirements('requirements/runtime.txt') +
            parse_requirements('requirements/optional.txt'),
            'tests':
            parse_requirements('requirements/tests.txt'),
            'optional':
            parse_requirements('requirements/optional.txt'),
            'mim':
            parse_requirements('requirements/mminstall.txt'),
        },
        zip_safe=False)
