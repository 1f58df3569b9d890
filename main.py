"""Backprop Lab: the window, or the lab's run on the command line.

Every option defaults to the lab preset (XOR easy, 2-8-8-1 sigmoid network,
weights U(0, 1), MSE, plain gradient descent, lr 0.15, 20000 epochs, seed 0).

    python main.py                                       # the window
    python main.py --dataset linear --epochs 3000 --screenshot shot.png
    python main.py train                                 # the lab: training log, testing log, accuracy
    python main.py train --dataset linear --json run.json --figures figures/
    python main.py train --hidden 2 2 --lr 2 --log-every 1000
    python main.py train --data-file points.csv --hidden  # rows x1,x2,label; no hidden layer
    python main.py gradcheck --activation relu --init he

Exit status: 0 done, 1 gradient check failed, 2 bad input, 3 training diverged.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

# Every matrix here is small, so BLAS threads only add hand-offs, and with another busy process
# on the machine a descheduled one stalls the call: the window's frame took 3× longer.  OpenBLAS
# reads this when NumPy loads it, so it must come before the import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from core import (
    ACTIVATIONS,
    INITIALIZERS,
    LAB_PRESET,
    LOSSES,
    OPTIMIZERS,
    OUTPUT_ACTIVATIONS,
    Settings,
    Trainer,
    datasets,
    gradcheck,
)
from gui import PANELS

BAD_INPUT, DIVERGED, GRADCHECK_FAILED = 2, 3, 1
BAR_WIDTH = 30


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error: a usage dump would bury the message."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"error: {message} (see {self.prog} --help)\n")


DESCRIPTIONS = {
    None: __doc__,
    "train": "Train, print the lab's training log (the loss every N epochs), testing log and accuracy.",
    "gradcheck": "Compare backpropagation with central differences, layer by layer; exit 1 if they disagree.",
}


def _parser(command: str | None) -> _Parser:
    parser = _Parser(
        prog="main.py" if command is None else f"main.py {command}",
        description=DESCRIPTIONS[command],
        epilog="commands: main.py train --help, main.py gradcheck --help" if command is None else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p = LAB_PRESET
    data = parser.add_argument_group("data")
    data.add_argument("--dataset", choices=list(datasets.DATASETS), default=p.dataset, help="default: %(default)s")
    data.add_argument("--points", type=int, metavar="N", help="number of points (default: the data set's own)")
    data.add_argument("--noise", type=float, default=p.noise, help="0 to 1 (default: %(default)s)")
    data.add_argument("--data-seed", type=int, default=p.data_seed, metavar="N", help="default: %(default)s")
    data.add_argument("--data-file", metavar="CSV", help="rows x1,x2,label, used instead of --dataset")
    net = parser.add_argument_group("network and training")
    net.add_argument("--hidden", type=int, nargs="*", default=list(p.hidden), metavar="UNITS",
                     help=f"units per hidden layer; --hidden alone: none (default: {' '.join(map(str, p.hidden))})")
    net.add_argument("--activation", choices=list(ACTIVATIONS), default=p.activation,
                     help="of the hidden layers (default: %(default)s)")
    net.add_argument("--output-activation", choices=list(OUTPUT_ACTIVATIONS), default=p.output_activation,
                     help="default: %(default)s")
    net.add_argument("--init", choices=list(INITIALIZERS), default=p.init, help="default: %(default)s")
    net.add_argument("--loss", choices=list(LOSSES), default=p.loss, help="default: %(default)s")
    net.add_argument("--optimizer", choices=list(OPTIMIZERS), default=p.optimizer, help="default: %(default)s")
    net.add_argument("--lr", type=float, default=p.lr, help="learning rate (default: %(default)s)")
    net.add_argument("--batch-size", type=int, default=p.batch_size, metavar="N",
                     help="samples per step, 0 = full batch (default: %(default)s)")
    epochs_help = {
        "train": "epochs to train (default: %(default)s)",
        "gradcheck": "epochs to train before the check (default: %(default)s)",
        None: "epochs to train before --screenshot (default: none)",
    }
    net.add_argument("--epochs", type=int, default={"train": p.epochs, "gradcheck": 0, None: None}[command],
                     metavar="N", help=epochs_help[command])
    net.add_argument("--seed", type=int, default=p.seed, metavar="N",
                     help="seed of the weights and the batch order (default: %(default)s)")
    if command == "train":
        parser.add_argument("--json", metavar="PATH", help="write the run's results as JSON")
        parser.add_argument("--figures", metavar="DIR", help="write learning_curve.png and result.png into DIR")
        parser.add_argument("--log-every", type=int, default=500, metavar="N",
                            help="print the loss every N epochs (default: %(default)s)")
    elif command == "gradcheck":
        parser.add_argument("--samples", type=int, default=gradcheck.SAMPLES, metavar="N",
                            help="check on N samples spread over the data set (default: %(default)s)")
    else:
        parser.add_argument("--screenshot", metavar="PATH", help="save the window as a PNG and quit")
        parser.add_argument("--show", choices=PANELS, help="open with this view in front")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(
        dataset=args.dataset, n_points=args.points, noise=args.noise, data_seed=args.data_seed,
        hidden=tuple(args.hidden), activation=args.activation, output_activation=args.output_activation,
        init=args.init, loss=args.loss, optimizer=args.optimizer, lr=args.lr, batch_size=args.batch_size,
        epochs=LAB_PRESET.epochs if args.epochs is None else args.epochs, seed=args.seed,
    ).validated()


def _trainer(args: argparse.Namespace) -> tuple[Settings, Trainer]:
    settings = _settings(args)
    data = datasets.load_csv(args.data_file) if args.data_file else None
    return settings, settings.build(data, record=False)  # the command line shows no gradient history


def _check_file(path: str) -> None:
    """Fail now, not after 20000 epochs, if ``path`` cannot be written."""
    existed = os.path.exists(path)
    try:
        with open(path, "a"):
            pass
    except OSError as error:
        raise ValueError(f"cannot write {path}: {error.strerror or error}") from None
    if not existed:
        os.remove(path)


def _check_directory(path: str) -> None:
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(f"cannot write into {path}: it is not a directory")
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError as error:
        raise ValueError(f"cannot write into {path}: {error.strerror or error}") from None


def _fail(error: Exception) -> int:
    print(f"error: {error}", file=sys.stderr)
    return BAD_INPUT


def _finite(values: np.ndarray) -> list[float | None]:
    """Plain floats for JSON; NaN and inf (a diverged run) become null, which every parser reads."""
    return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=np.float64).ravel()]


def _number(value: float) -> str:
    """The lab's five decimals, or scientific notation for a diverged output of 1e156."""
    return f"{value:.5f}" if abs(value) < 1e6 else f"{value:.5e}"


def _bar(done: int, total: int) -> str:
    filled = BAR_WIDTH * done // max(total, 1)
    return f"\r[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {done}/{total}"


def _fit(trainer: Trainer, epochs: int, log_every: int) -> None:
    """Train in chunks that end at each log epoch (and each bar tick), printing the lab's log."""
    bar = sys.stderr.isatty()
    tick = max(1, epochs // 100) if bar else max(1, epochs)
    blank = "\r" + " " * len(_bar(epochs, epochs)) + "\r"
    while trainer.epoch < epochs and trainer.divergence is None:
        done = trainer.epoch
        trainer.train(min(epochs, (done // log_every + 1) * log_every, (done // tick + 1) * tick) - done)
        if trainer.epoch % log_every == 0:
            if bar:
                sys.stderr.write(blank)  # the log line takes the bar's place; the bar is redrawn below it
            print(f"epoch {trainer.epoch} loss: {trainer.history.loss[trainer.epoch - 1]:.4f}", flush=True)
        if bar:
            sys.stderr.write(_bar(trainer.epoch, epochs))
            sys.stderr.flush()
    if bar:
        sys.stderr.write(blank)


def _train(args: argparse.Namespace) -> int:
    try:
        if args.log_every < 1:
            raise ValueError(f"--log-every must be ≥ 1, got {args.log_every}")
        settings, trainer = _trainer(args)
        if args.json is not None:
            _check_file(args.json)
        if args.figures is not None:
            _check_directory(args.figures)
    except ValueError as error:
        return _fail(error)
    _fit(trainer, settings.epochs, args.log_every)
    if trainer.divergence is not None:
        print(trainer.divergence.message(), file=sys.stderr)
    outputs, loss, accuracy = trainer.evaluate()
    for i, ((x1, x2), truth, out) in enumerate(zip(trainer.X, trainer.y[:, 0], outputs[:, 0], strict=True)):
        print(f"Iter {i} |  input: ({x1:.5f}, {x2:.5f}) |  Ground truth: {truth:.0f} |  prediction: {_number(out)} |")
    print(f"loss={loss:.5f} accuracy={accuracy:.2%}")
    try:
        if args.json is not None:
            _write_json(args.json, settings, args.data_file, trainer, outputs, loss, accuracy)
        if args.figures is not None:
            from gui import figures

            history = trainer.history
            figures.learning_curve_png(Path(args.figures, "learning_curve.png"), history.epochs, history.loss)
            figures.result_png(Path(args.figures, "result.png"), trainer.X, trainer.y, outputs)
    except OSError as error:
        return _fail(error)
    return DIVERGED if trainer.divergence is not None else 0


def _write_json(path: str, settings: Settings, data_file: str | None, trainer: Trainer,
                outputs: np.ndarray, loss: float, accuracy: float) -> None:
    result = {
        "config": dataclasses.asdict(settings),
        "data_file": data_file,
        "final_loss": _finite([loss])[0],
        "accuracy": accuracy,
        "epochs_trained": trainer.epoch,
        "diverged": None if trainer.divergence is None else trainer.divergence.message(),
        "loss_per_epoch": _finite(trainer.history.loss),
        "accuracy_per_epoch": _finite(trainer.history.accuracy),
        "predictions": _finite(outputs),
        "inputs": trainer.X.tolist(),
        "labels": [int(v) for v in trainer.y[:, 0]],
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1)


def _gradcheck(args: argparse.Namespace) -> int:
    try:
        if args.samples < 1:
            raise ValueError(f"--samples must be ≥ 1, got {args.samples}")
        settings, trainer = _trainer(args)
    except ValueError as error:
        return _fail(error)
    trainer.train(settings.epochs)
    if trainer.divergence is not None:  # NaN weights would only report every layer as wrong
        print(trainer.divergence.message(), file=sys.stderr)
        return DIVERGED
    rows = gradcheck.spread(len(trainer.X), args.samples)
    X, y, net = trainer.X[rows], trainer.y[rows], trainer.net
    usable = int(np.count_nonzero(gradcheck.smooth_samples(net, X)))
    if usable == 0:
        return _fail(ValueError("every sample sits on a ReLU kink, where no derivative exists; try another --seed"))
    print(f"gradient check of {'-'.join(map(str, net.sizes))} {net.activation}/{net.output_activation} "
          f"after {trainer.epoch} epochs, loss {settings.loss}, {usable} samples, tolerance {gradcheck.TOLERANCE:g}")
    errors = gradcheck.relative_errors(net, X, y, settings.loss)
    for layer, error in enumerate(errors, 1):
        print(f"layer {layer}: {error:.1e} {'ok' if error <= gradcheck.TOLERANCE else 'WRONG'}")
    return 0 if all(error <= gradcheck.TOLERANCE for error in errors) else GRADCHECK_FAILED


def _window(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
        data = datasets.load_csv(args.data_file) if args.data_file else None
        if args.screenshot:
            _check_file(args.screenshot)
    except ValueError as error:
        return _fail(error)
    from gui.app import run

    return run(settings, data=data, data_name=args.data_file and Path(args.data_file).name, epochs=args.epochs,
               screenshot=args.screenshot, show=args.show)


COMMANDS = {"train": _train, "gradcheck": _gradcheck}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting, so tests can call it."""
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    try:
        args = _parser(command).parse_args(argv[1:] if command else argv)
    except SystemExit as done:  # --help, or argparse's own one-line error
        return int(done.code or 0)
    try:
        return COMMANDS[command](args) if command else _window(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`main.py train | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the final flush cannot fail again
        status = 1
    sys.exit(status)
