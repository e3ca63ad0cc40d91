# Copyright (c) mmvb contributors. All rights reserved.
"""The strict annotation readers: every failure names file, line and
column."""
import pytest

from mmvb.datasets.annotation_io import (AnnotationError, check_box,
                                         read_csv_table)


def _csv(tmp_path, text, name='a.csv'):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_header_and_rows(tmp_path):
    path = _csv(tmp_path, 'a,b,c\n1,x,2.5\n\n , ,\n3,"y, z",4\n')
    rows = read_csv_table(path, ('a', 'b', 'c'))
    assert [r.line for r in rows] == [2, 5]  # blank rows are not rows
    assert rows[1].text_of('b') == 'y, z'
    assert rows[0].integer('a', 0, 1) == 1
    assert rows[0].number('c') == 2.5
    assert rows[1].lookup('b', {'y, z': 7}) == 7
    with pytest.raises(AnnotationError) as err:
        rows[1].integer('a', 0, 2)
    assert str(err.value) == (f"{path}:5: column 'a': 3 is outside [0, 2] "
                              '(row: \'3,"y, z",4\')')
    with pytest.raises(
            AnnotationError, match=r":2: column 'b': 'x' is "
            'not an integer'):
        rows[0].integer('b')
    with pytest.raises(
            AnnotationError,
            match=r":2: column 'b': unknown "
            r"class 'x' \(known: 1 names"):
        rows[0].lookup('b', {'y': 0})


@pytest.mark.parametrize('header, words', [
    ('a,c,b', "column 'b': found as column 3, expected as column 2"),
    ('a,c', "column 'b': missing"),
    ('a,b,c,d', "unexpected columns ['d']"),
])
def test_bad_header(tmp_path, header, words):
    path = _csv(tmp_path, header + '\n1,2,3\n')
    with pytest.raises(AnnotationError) as err:
        read_csv_table(path, ('a', 'b', 'c'))
    assert err.value.line == 1 and words in str(err.value)


def test_optional_tail_and_headerless(tmp_path):
    path = _csv(tmp_path, 'a,b,c\n1,2\n1,2,3\n')
    rows = read_csv_table(path, ('a', 'b'), optional_tail=('c', ))
    assert [r['c'] for r in rows] == ['', '3']
    path = _csv(tmp_path, '1;2\n3\n', 'b.csv')
    with pytest.raises(
            AnnotationError, match=r'b.csv:2: 1 cells, expected '
            r'2 \(a;b\)'):
        read_csv_table(path, ('a', 'b'), header=False, delimiter=';')
    with pytest.raises(AnnotationError, match='empty file'):
        read_csv_table(_csv(tmp_path, '', 'c.csv'), ('a', ))


def test_check_box():
    assert check_box([1, 2, 3, 4], 10, 10, 'f', fmt='xywh') == (1, 2, 4, 6)
    with pytest.raises(
            AnnotationError,
            match=r"f: key 'k': box \[1, 2, 30, "
            r'4\] \(xyxy\) is outside the 10x10 frame'):
        check_box([1, 2, 30, 4], 10, 10, 'f', key='k')
    with pytest.raises(AnnotationError, match='empty box'):
        check_box([5, 5, 5, 9], 10, 10, 'f')
