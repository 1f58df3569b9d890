"""µs per epoch of the lab preset: our trainer against the report's code and PyTorch CPU.

    python benchmarks/bench_core.py [--rounds N] [--epochs N] [--profile] [--torch-default-threads]

The machine this runs on is shared and its speed drifts by 2× within a
minute, so no single absolute time means much.  Every contender therefore
runs in the same process, in rounds: each round runs a block of ``--epochs``
epochs of every contender, in an order rotated from round to round, and the
figure that counts is the median over the rounds of each round's *ratio*
(contender's time / our time): both sides of a ratio saw the same machine.

All contenders start from the same initial weights, and the benchmark first
checks that they compute the same thing (``check_same_result``): if they do
not, it says so and exits 1 without timing anything.
``--profile`` adds a breakdown of our epoch into its parts, measured the
same way (README.md shows one).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from report_baseline import ReportNetwork

import core
from core.timeline import Timeline

try:
    import torch
    from torch_baseline import TorchNetwork

    TORCH_DEFAULT_THREADS = torch.get_num_threads()  # before any contender sets it to 1
except ImportError:  # PyTorch is optional: benchmark-only, never a project dependency
    torch = None

DATASETS = ("xor", "linear")
OURS = "Trainer.train (ours)"
RECORDING = "ours, recording norms + checkpoints"
REPORT = "report's code"
WHOLE = "whole epoch: Trainer.train"
ONE_CALL = "one NumPy call"
# Losses and weights must agree to TOLERANCE over the first CHECK_EPOCHS
# epochs, not longer: the lab preset (summed gradient, lr 0.15) amplifies
# rounding ~2.7× per epoch early on the linear set, so two correct
# implementations that round differently drift 1e-12 apart by epoch 20 and
# 1e-9 by epoch 27 (one ulp in one weight of the report's own code gives 1e-9
# by epoch ~550).  After 15 epochs the gap is ~1e-14; a wrong formula is off
# by far more from the first epoch.
CHECK_EPOCHS = 15
TOLERANCE = 1e-9


@dataclass
class Contender:
    name: str
    run: Callable[[int], object]  # runs that many epochs
    setup: Callable[[], object] = lambda: None  # untimed, before each block
    calls: int = 0  # NumPy calls per epoch (profile pieces only)


def lab_trainer(dataset: str, record: bool = False) -> core.Trainer:
    """The lab preset as the command line trains it; ``record=True``: as the window does."""
    return core.Settings(dataset=dataset).build(record=record)


def trainer_run(trainer: core.Trainer) -> Callable[[int], None]:
    def run(epochs: int) -> None:
        if trainer.train(epochs) != epochs:
            sys.exit(f"the trainer stopped early ({trainer.divergence.message()}): the timing would be wrong")

    return run


def report_run(trainer: core.Trainer) -> Callable[[int], None]:
    """The report's code from the trainer's current weights, on its data."""
    net, X, y = ReportNetwork(trainer.net.params, trainer.lr), trainer.X, trainer.y

    def run(epochs: int) -> None:
        for _ in range(epochs):
            net.train_epoch(X, y)

    return run


def torch_contenders(trainer: core.Trainer, default_threads: bool) -> list[Contender]:
    """PyTorch with one thread, like every other contender, and on request with its default thread count.

    The default count is opt-in: on a busy 2-core machine its epochs wait for
    a descheduled OpenMP thread and take milliseconds, which would stretch
    the run to minutes (README.md has the figures).
    """
    X, y = torch.from_numpy(trainer.X), torch.from_numpy(trainer.y)
    contenders = []
    for threads in sorted({1, TORCH_DEFAULT_THREADS if default_threads else 1}):
        net = TorchNetwork(trainer.net.params, trainer.lr)

        def run(epochs: int, net: TorchNetwork = net) -> None:
            for _ in range(epochs):
                net.train_epoch(X, y)

        label = f"PyTorch {torch.__version__}, {threads} thread{'s' if threads > 1 else ''}"
        contenders.append(Contender(label, run, lambda threads=threads: torch.set_num_threads(threads)))
    return contenders


def contenders_for(dataset: str, torch_default_threads: bool) -> list[Contender]:
    trainer = lab_trainer(dataset)
    contenders = [
        Contender(OURS, trainer_run(trainer)),
        Contender(RECORDING, trainer_run(lab_trainer(dataset, record=True))),
        Contender(REPORT, report_run(trainer)),
    ]
    return contenders + (torch_contenders(trainer, torch_default_threads) if torch is not None else [])


def measure(contenders: list[Contender], rounds: int, epochs: int) -> dict[str, list[float]]:
    """µs/epoch of each contender in each round; rounds rotate the order so none always goes first."""
    for contender in contenders:  # warm-up: caches, lazy initialisation, the history's first growth
        contender.setup()
        contender.run(max(1, epochs // 10))
    times: dict[str, list[float]] = {c.name: [] for c in contenders}
    for r in range(rounds):
        shift = r % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            contender.setup()
            gc.disable()  # as timeit does: a collection would land on whoever happens to run
            start = time.perf_counter()
            contender.run(epochs)
            elapsed = time.perf_counter() - start
            gc.enable()
            times[contender.name].append(elapsed / epochs * 1e6)
    return times


def median_ratio(times: dict[str, list[float]], numerator: str, denominator: str) -> float:
    return statistics.median(a / b for a, b in zip(times[numerator], times[denominator], strict=True))


def check_same_result(dataset: str) -> list[str]:
    """How the others differ from our trainer after the same epochs from the same weights; empty if they agree.

    Compares the mean loss of each of the first CHECK_EPOCHS epochs, and the
    weights after them.
    """
    trainer = lab_trainer(dataset)
    X, y = trainer.X, trainer.y
    report = ReportNetwork(trainer.net.params, trainer.lr)
    epoch: dict[str, Callable[[], float]] = {REPORT: lambda: float(report.train_epoch(X, y))}
    weights = {
        REPORT: lambda: [
            (report.weight1, report.bias1),
            (report.weight2, report.bias2),
            (report.weight_out, report.bias_out),
        ]
    }
    if torch is not None:
        tnet, Xt, yt = TorchNetwork(trainer.net.params, trainer.lr), torch.from_numpy(X), torch.from_numpy(y)
        epoch["PyTorch"] = lambda: 2.0 * float(tnet.train_epoch(Xt, yt)) / y.size  # ½Σ(out − y)² → mean
        weights["PyTorch"] = tnet.numpy_params
    loss_gap = dict.fromkeys(epoch, 0.0)
    for _ in range(CHECK_EPOCHS):
        trainer.step()
        for name, run in epoch.items():
            loss_gap[name] = max(loss_gap[name], abs(run() - trainer.last_loss))
    problems = []
    for name in epoch:
        weight_gap = max(
            float(np.max(np.abs(ours - theirs)))
            for pair_ours, pair_theirs in zip(trainer.net.params, weights[name](), strict=True)
            for ours, theirs in zip(pair_ours, pair_theirs, strict=True)
        )
        if not (loss_gap[name] <= TOLERANCE and weight_gap <= TOLERANCE):
            problems.append(f"{dataset}: {name} differs by {loss_gap[name]:.1e} in loss, {weight_gap:.1e} in weights")
    return problems


def profile_pieces(dataset: str) -> list[Contender]:
    """Our epoch cut into its parts, each timed on its own, with the report's code and one bare NumPy call.

    Reads the trainer's private parts on purpose: this is what the README's
    breakdown comes from.  The optimizer steps a scratch copy of the weights
    and the history and timeline are scratch ones, so the pieces can repeat.
    A checkpoint is taken every ``stride`` epochs, so its piece runs one
    per ``stride`` epochs.
    """
    trainer = lab_trainer(dataset, record=True)
    trainer.train(10)
    ws, optimizer, correct, positive = trainer._full, trainer._optimizer, trainer._correct, trainer._positive
    scratch_weights, scratch_vectors = trainer.net.flat.copy(), trainer._vectors.copy()
    history = core.History([layer.size for layer in trainer.net.layers])
    timeline = Timeline()
    hidden, scratch = ws.A[0], ws.tmp[0]  # sigmoid outputs in (0, 1): squaring them stays normal

    def repeat(piece: Callable[[], object]) -> Callable[[int], None]:
        def run(epochs: int) -> None:
            with np.errstate(all="ignore"):
                for _ in range(epochs):
                    piece()

        return run

    def accuracy() -> float:
        np.greater(ws.output, 0.5, correct)
        np.equal(correct, positive, correct)
        return np.count_nonzero(correct) / correct.size

    def checkpoints(epochs: int) -> None:
        for _ in range(epochs // timeline.stride):
            timeline.add(trainer.snapshot())

    return [
        Contender(WHOLE, trainer_run(trainer)),
        Contender("forward", repeat(ws.forward), calls=len(ws._forward)),
        Contender("loss + backward", repeat(ws.backward), calls=len(ws._before_loss) + 1 + len(ws._backward)),
        Contender("accuracy", repeat(accuracy), calls=3),
        Contender("SGD step", repeat(lambda: optimizer.step(scratch_weights, ws.grad)), calls=2),
        Contender(
            "history: loss, accuracy, norms",
            repeat(lambda: history.record_vectors(0.25, 1.0, scratch_vectors)),
            setup=lambda: history.truncate(0),
            calls=2,
        ),
        Contender(f"checkpoint every {timeline.stride} epochs", checkpoints),
        Contender(REPORT, report_run(trainer)),
        Contender(ONE_CALL, repeat(lambda: np.multiply(hidden, hidden, scratch))),
    ]


def print_comparison(dataset: str, n: int, times: dict[str, list[float]]) -> None:
    print(f"\n{dataset} ({n} points)")
    print(f"  {'contender':<30} {'µs/epoch':>9}   {'time / ours':>11}   {'range':>11}")
    for name, samples in times.items():
        ratio = spread = ""
        if name != OURS:
            ratios = [theirs / mine for theirs, mine in zip(samples, times[OURS], strict=True)]
            ratio, spread = f"{statistics.median(ratios):.2f}×", f"{min(ratios):.1f}–{max(ratios):.1f}"
        print(f"  {name:<30} {statistics.median(samples):9.1f}   {ratio:>11}   {spread:>11}")


def print_profile(dataset: str, pieces: list[Contender], times: dict[str, list[float]]) -> None:
    median = {name: statistics.median(samples) for name, samples in times.items()}
    whole = median[WHOLE]
    parts = [p for p in pieces if p.name not in (WHOLE, REPORT, ONE_CALL)]
    print(f"\n{dataset}: where our epoch's {whole:.1f} µs go (medians; each part timed on its own)")
    for part in parts:
        calls = f"{part.calls:>2} NumPy calls" if part.calls else ""
        print(f"  {part.name:<32} {calls:<14} {median[part.name]:6.1f} µs  {median[part.name] / whole:4.0%}")
    rest = whole - sum(median[p.name] for p in parts)
    print(f"  {'the rest: Python in train/_finish':<32} {'':<14} {rest:6.1f} µs  {rest / whole:4.0%}")
    math_only = [
        sum(three) for three in zip(times["forward"], times["loss + backward"], times["SGD step"], strict=True)
    ]
    to_math = statistics.median(a / b for a, b in zip(times[REPORT], math_only, strict=True))
    calls = sum(p.calls for p in parts)
    print(
        f"  report's code / whole epoch: {median_ratio(times, REPORT, WHOLE):.2f}×;  "
        f"report's code / forward + backward + SGD alone: {to_math:.2f}×"
    )
    print(
        f"  one NumPy call on a hidden layer's array: {median[ONE_CALL]:.2f} µs; "
        f"the epoch makes {calls}: {calls} × {median[ONE_CALL]:.2f} = {calls * median[ONE_CALL]:.1f} µs"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds per data set (default 15)")
    parser.add_argument("--epochs", type=int, default=1000, help="epochs per contender per round (default 1000)")
    parser.add_argument("--profile", action="store_true", help="also break our epoch down into its parts")
    parser.add_argument(
        "--torch-default-threads", action="store_true", help="also time PyTorch with its default thread count"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.epochs < 1:
        parser.error("--rounds and --epochs must be ≥ 1")

    print("lab preset: 2-8-8-1 sigmoid, MSE (summed gradient), full-batch SGD lr 0.15, float64")
    print(
        f"{args.rounds} rounds × {args.epochs} epochs per contender, order rotated; "
        f"Python {sys.version.split()[0]}, NumPy {np.__version__}"
    )
    print("µs/epoch: median over the rounds; time / ours: median over the rounds of that round's ratio")
    if torch is None:
        print("PyTorch not installed: skipped")

    problems = [problem for dataset in DATASETS for problem in check_same_result(dataset)]
    if problems:
        print("same result: NO, so a comparison would be meaningless:\n  " + "\n  ".join(problems))
        return 1
    others = REPORT + (" and PyTorch" if torch is not None else "")
    print(
        f"same result: yes ({others} vs ours, same initial weights: the loss of each of the first "
        f"{CHECK_EPOCHS} epochs and the weights after them agree to {TOLERANCE:g} on both data sets)"
    )

    for dataset in DATASETS:
        times = measure(contenders_for(dataset, args.torch_default_threads), args.rounds, args.epochs)
        print_comparison(dataset, len(lab_trainer(dataset).X), times)
        if args.profile:
            pieces = profile_pieces(dataset)
            print_profile(dataset, pieces, measure(pieces, args.rounds, args.epochs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
