"""Victims counted one by one: a person and a relative, the one killed and the one wounded."""

from __future__ import annotations

import pytest

from bot.extract.casualties import find_figures


@pytest.mark.parametrize(
    ("clause", "killed"),
    [
        ("Gunmen killed a man and his wife in their shop", 2),
        ("raiders shot dead a shepherd and his son near the well", 2),
        ("gunmen killed a farmer and his two sons", 3),
        ("gunmen killed a man and his brothers", 1),  # how many brothers is not said
    ],
)
def test_a_victim_and_a_relative_are_two(clause: str, killed: int) -> None:
    assert [(f.kind, f.min) for f in find_figures(clause)] == [("killed", killed)]


@pytest.mark.parametrize(
    "clause",
    [
        "Unknown attackers shot dead a trader outside Tikrit on Sunday, and his wife was hurt",
        "A farmer was killed near the canal and his daughter was wounded",
        "militants killed a teacher at the school gate and a colleague was injured",
    ],
)
def test_the_one_killed_and_the_one_wounded_after_him(clause: str) -> None:
    # The person after the kill verb is its object; the wounded one is the next person.
    assert sorted((f.kind, f.min) for f in find_figures(clause)) == [
        ("injured", 1),
        ("killed", 1),
    ]


@pytest.mark.parametrize(
    ("clause", "killed"),
    [
        ("A mother and her three daughters were killed when a shell hit their home", 4),
        ("a shepherd and his two sons were shot dead near the well", 3),
        ("a trader and his family were killed", 1),  # how many relatives is not said
    ],
)
def test_a_victim_and_a_counted_set_of_relatives(clause: str, killed: int) -> None:
    assert [(f.kind, f.min) for f in find_figures(clause)] == [("killed", killed)]


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("gunmen fired on a guard outside the clinic, killing him", [("killed", 1)]),
        ("a sniper shot at a woman crossing the bridge, wounding her", [("injured", 1)]),
        ("they stopped a teacher's car, killing him and his driver", [("killed", 2)]),
        ("raiders shot dead a chief at his gate, killing him instantly", [("killed", 1)]),
    ],
)
def test_one_person_told_by_a_pronoun(clause: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.kind, f.min) for f in find_figures(clause)] == expected


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("five herders who sustained gunshot wounds were taken to a clinic", [("injured", 5)]),
        ("two pupils who suffered serious injuries were flown out", [("injured", 2)]),
        ("said a shopkeeper who sustained injuries to his arm", []),  # a witness, one of them
    ],
)
def test_people_who_sustained_wounds(clause: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.kind, f.min) for f in find_figures(clause)] == expected
