"""The input space: exhaustive when small, deterministic samples otherwise."""

from raspstudio.judge.inputs import input_space, space_size


def test_exhaustive_when_within_budget_shortest_first():
    inputs, sampled = input_space({"b", "a"}, 3)
    assert not sampled
    assert len(inputs) == space_size(2, 3) == 14
    assert inputs[:3] == [["a"], ["b"], ["a", "a"]]
    assert [len(x) for x in inputs] == sorted(len(x) for x in inputs)


def test_sampled_when_too_large_covers_every_length_and_is_deterministic():
    vocab = set(range(10))
    inputs, sampled = input_space(vocab, 8, max_inputs=500)
    assert sampled
    assert len(inputs) == 500
    assert len({tuple(x) for x in inputs}) == 500
    assert {len(x) for x in inputs} == set(range(1, 9))
    assert [9] * 8 in inputs and [0] * 8 in inputs  # constant edge cases
    assert list(range(8)) in inputs  # ascending edge case
    assert input_space(vocab, 8, max_inputs=500) == (inputs, True)


def test_mixed_type_vocabulary_has_a_stable_order():
    inputs, _ = input_space({1, "a", 2.5}, 1)
    assert inputs == [[2.5], [1], ["a"]]
