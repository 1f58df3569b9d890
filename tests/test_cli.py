"""The command line: the lab's logs, its outputs, and one-line errors instead of tracebacks.

Most cases call ``main.main(argv)`` in-process; a few go through a real
subprocess, because only there would a traceback or a NumPy warning reach a
user's terminal.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtGui import QImage

import main
from core import Settings
from core.network import MLP

ROOT = Path(__file__).resolve().parent.parent
EPOCH_LINE = re.compile(r"^epoch (\d+) loss: (\d+\.\d{4})$")
ITER_LINE = re.compile(
    r"^Iter (\d+) \|  input: \((-?\d+\.\d{5}), (-?\d+\.\d{5})\) \|  Ground truth: ([01]) \|  prediction: (\S+) \|$"
)
SUMMARY_LINE = re.compile(r"^loss=(\S+) accuracy=(\d+\.\d\d)%$")


def lab_xor_points() -> list[tuple[float, float, int]]:
    """The handout's generate_XOR_easy loop, written out again: order, labels and float artefacts."""
    points = []
    for i in range(11):
        points.append((0.1 * i, 0.1 * i, 0))
        if 0.1 * i == 0.5:
            continue
        points.append((0.1 * i, 1 - 0.1 * i, 1))
    return points


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def parse(out: str) -> tuple[list[re.Match[str]], list[re.Match[str]], re.Match[str]]:
    lines = out.splitlines()
    epochs = [m for line in lines if (m := EPOCH_LINE.match(line))]
    iters = [m for line in lines if (m := ITER_LINE.match(line))]
    summaries = [m for line in lines if (m := SUMMARY_LINE.match(line))]
    assert len(epochs) + len(iters) + len(summaries) == len(lines), f"unexpected lines in:\n{out}"
    assert len(summaries) == 1
    return epochs, iters, summaries[0]


@pytest.fixture(scope="module")
def lab_run() -> tuple[int, str]:
    """``main.py train --epochs 20000 --seed 0``, the lab preset, run once for several tests."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main.main(["train", "--epochs", "20000", "--seed", "0"])
    return code, out.getvalue()


@pytest.fixture(scope="module")
def reference() -> tuple[np.ndarray, np.ndarray, float, float]:
    """The same run built without the command line: history, outputs, loss, accuracy."""
    trainer = Settings(epochs=20000, seed=0).build()
    trainer.train(20000)
    outputs, loss, accuracy = trainer.evaluate()
    return trainer.history.loss.copy(), outputs, loss, accuracy


# -- the lab run -------------------------------------------------------------


def test_lab_preset_prints_the_loss_every_500_epochs(lab_run, reference):
    code, out = lab_run
    epochs, _, _ = parse(out)
    assert code == 0
    assert [int(m[1]) for m in epochs] == list(range(500, 20001, 500))
    history = reference[0]
    assert epochs[0][2] == f"{history[499]:.4f}"  # determinism through the command line
    assert [m[2] for m in epochs] == [f"{history[e - 1]:.4f}" for e in range(500, 20001, 500)]


def test_lab_preset_testing_log_follows_the_lab_order(lab_run, reference):
    _, out = lab_run
    _, iters, summary = parse(out)
    _, outputs, loss, accuracy = reference
    assert len(iters) == 21
    for i, (m, (x1, x2, label)) in enumerate(zip(iters, lab_xor_points(), strict=True)):
        assert int(m[1]) == i
        assert (m[2], m[3]) == (f"{x1:.5f}", f"{x2:.5f}")
        assert int(m[4]) == label
        assert m[5] == f"{outputs[i, 0]:.5f}"
    assert summary[1] == f"{loss:.5f}"
    assert summary[2] == f"{100 * accuracy:.2f}"
    assert float(summary[2]) >= 95.0


def test_linear_reaches_full_accuracy(capsys):
    code, out, _ = run_cli(capsys, "train", "--dataset", "linear", "--epochs", "20000")
    epochs, iters, summary = parse(out)
    assert code == 0
    assert len(epochs) == 40
    assert len(iters) == 100
    assert summary[2] == "100.00"


def test_log_every_and_the_progress_bar_change_nothing_but_the_display(capsys, monkeypatch):
    argv = ("train", "--epochs", "1200", "--log-every", "400", "--optimizer", "adam", "--lr", "0.01")
    argv += ("--batch-size", "5")  # mini-batches draw from the shuffle stream: chunking must not disturb it
    code, plain, err = run_cli(capsys, *argv)
    assert code == 0
    assert err == ""  # no bar when stderr is not a terminal

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main.main(list(argv)) == 0
    assert capsys.readouterr().out == plain
    bar = terminal.getvalue()
    assert "\r[" in bar and "] 1200/1200" in bar and "] 12/1200" in bar
    assert bar.endswith("\r")  # the bar is erased at the end, leaving the terminal clean
    assert [int(m[1]) for m in parse(plain)[0]] == [400, 800, 1200]


# -- outputs --------------------------------------------------------------------


def test_json_holds_the_whole_run(capsys, tmp_path):
    path = tmp_path / "run.json"
    code, out, _ = run_cli(capsys, "train", "--epochs", "300", "--lr", "0.5", "--json", str(path))
    result = json.loads(path.read_text())
    assert code == 0
    config = result["config"]
    assert Settings(**{**config, "hidden": tuple(config["hidden"])}) == Settings(epochs=300, lr=0.5)
    assert result["epochs_trained"] == 300
    assert result["diverged"] is None
    trainer = Settings(epochs=300, lr=0.5).build()
    trainer.train(300)
    outputs, loss, accuracy = trainer.evaluate()
    assert result["loss_per_epoch"] == trainer.history.loss.tolist()
    assert result["accuracy_per_epoch"] == trainer.history.accuracy.tolist()
    assert len(result["predictions"]) == 21
    assert result["predictions"] == outputs[:, 0].tolist()
    assert (result["final_loss"], result["accuracy"]) == (loss, accuracy)
    assert result["inputs"] == [[x1, x2] for x1, x2, _ in lab_xor_points()]
    assert result["labels"] == [label for _, _, label in lab_xor_points()]
    assert parse(out)[2][1] == f"{loss:.5f}"


def test_data_file_and_no_hidden_layer(capsys, tmp_path):
    rows = [(0.1, 0.2, 1), (0.9, 0.3, 0), (0.4, 0.8, 1), (0.7, 0.1, 0)]
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows))
    path = tmp_path / "run.json"
    code, out, _ = run_cli(capsys, "train", "--data-file", str(csv), "--hidden", "--epochs", "500", "--json", str(path))
    result = json.loads(path.read_text())
    _, iters, summary = parse(out)
    assert code == 0
    assert result["config"]["hidden"] == []
    assert result["data_file"] == str(csv)
    assert [(float(m[2]), float(m[3]), int(m[4])) for m in iters] == rows
    assert summary[2] == "100.00"  # a single sigmoid unit separates x1 > x2


def rgb(path: Path) -> np.ndarray:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not an image"
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    rows = np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : 3 * image.width()].reshape(image.height(), image.width(), 3).copy()


def count(pixels: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int(np.count_nonzero(np.all(pixels == colour, axis=-1)))


def test_figures_are_two_real_pictures(capsys, tmp_path):
    folder = tmp_path / "new" / "figures"  # created, parents too
    code, _, _ = run_cli(capsys, "train", "--epochs", "2000", "--figures", str(folder))
    assert code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["learning_curve.png", "result.png"]
    for name in ("learning_curve.png", "result.png"):
        pixels = rgb(folder / name)
        height, width, _ = pixels.shape
        assert 400 <= width <= 2000 and 300 <= height <= 1500
        assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50  # text, antialiased lines, markers
        assert np.mean(np.any(pixels != 255, axis=-1)) > 0.01  # not a blank page
    from gui.figures import CURVE_COLOUR

    assert count(rgb(folder / "learning_curve.png"), CURVE_COLOUR) > 200


def test_result_figure_puts_truth_left_and_thresholded_predictions_right(tmp_path):
    from gui.figures import LAB_CLASS_COLOURS, result_png

    red, blue = LAB_CLASS_COLOURS
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.zeros((4, 1))  # every point class 0: red on the left
    predictions = np.array([[0.51], [0.9], [0.99], [1.0]])  # every one above 0.5: blue on the right
    result_png(tmp_path / "result.png", X, y, predictions)
    pixels = rgb(tmp_path / "result.png")
    left, right = pixels[:, : pixels.shape[1] // 2], pixels[:, pixels.shape[1] // 2 :]
    assert count(left, red) > 100 and count(left, blue) == 0
    assert count(right, blue) > 100 and count(right, red) == 0


def test_learning_curve_skips_a_diverged_loss(tmp_path):
    from gui.figures import CURVE_COLOUR, learning_curve_png

    loss = np.array([0.5, 0.4, 0.3, np.inf, np.nan])
    learning_curve_png(tmp_path / "curve.png", np.arange(1, 6), loss)  # warnings are errors here
    assert count(rgb(tmp_path / "curve.png"), CURVE_COLOUR) > 100


# -- bad input --------------------------------------------------------------------

BAD_INPUT = [
    ["train", "--dataset", "moons"],
    ["train", "--activation", "swish"],
    ["train", "--optimizer", "rmsprop"],
    ["train", "--hidden", "0"],
    ["train", "--hidden", "8", "-2"],
    ["train", "--points", "0", "--dataset", "circle"],
    ["train", "--lr", "0"],
    ["train", "--lr", "-1"],
    ["train", "--lr", "nan"],
    ["train", "--lr", "inf"],
    ["train", "--lr", "fast"],
    ["train", "--epochs", "-1"],
    ["train", "--batch-size", "-1"],
    ["train", "--noise", "1.5"],
    ["train", "--seed", "-1"],
    ["train", "--log-every", "0"],
    ["train", "--loss", "bce", "--output-activation", "none"],
    ["train", "--data-file", "missing.csv"],
    ["train", "--unknown-flag"],
    ["gradcheck", "--samples", "0"],
    ["gradcheck", "--hidden", "0"],
    ["--lr", "nan"],
    ["--show", "weights"],
    ["window"],
]


@pytest.mark.parametrize("argv", BAD_INPUT, ids=" ".join)
def test_bad_input_is_one_line_and_exit_2(capsys, argv):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err


def test_unreadable_data_files(capsys, tmp_path):
    binary = tmp_path / "weights.bin"
    binary.write_bytes(bytes(range(256)))
    bad_row = tmp_path / "bad.csv"
    bad_row.write_text("0.1,0.2,1\n0.3,oops,0\n")
    for path in (tmp_path, binary, bad_row):
        code, out, err = run_cli(capsys, "train", "--data-file", str(path))
        assert (code, out) == (2, "")
        assert err.startswith("error: ") and err.count("\n") == 1, err


def test_unwritable_outputs_fail_before_training(capsys, tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("not a directory")
    cases = [
        ["--json", str(tmp_path / "missing" / "run.json")],
        ["--json", str(tmp_path)],
        ["--json", str(a_file / "run.json")],
        ["--figures", str(a_file)],
        ["--figures", str(a_file / "figures")],
    ]
    for options in cases:
        code, out, err = run_cli(capsys, "train", *options)  # 20000 epochs if the check came after
        assert code == 2
        assert out == "", "the path must be checked before training starts"
        assert err.startswith("error: ") and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]  # the check leaves nothing behind
    assert run_cli(capsys, "--screenshot", str(tmp_path / "missing" / "shot.png"))[0] == 2


@pytest.mark.parametrize(
    "argv",
    [["train", "--lr", "nan"], ["train", "--activation", "swish"], ["train", "--json", "/nonexistent/dir/run.json"]],
    ids=" ".join,
)
def test_no_traceback_reaches_the_terminal(argv):
    done = run_subprocess(*argv)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr


def test_a_reader_that_leaves_early_gets_no_traceback():
    """``main.py train | head -2``: the pipe closes while epochs are still being printed."""
    with subprocess.Popen(
        [sys.executable, "main.py", "train", "--log-every", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as process:
        assert EPOCH_LINE.match(process.stdout.readline())[1] == "1"
        process.stdout.close()
        assert process.wait(timeout=120) == 1
        assert process.stderr.read() == ""


# -- divergence -----------------------------------------------------------------


def test_divergence_stops_training_and_exits_3_without_warnings():
    done = run_subprocess("train", "--lr", "100")
    assert done.returncode == 3
    assert "diverged at epoch" in done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr
    _, iters, _ = parse(done.stdout)  # the testing log and summary still come
    assert len(iters) == 21


def test_overflowing_run_writes_null_for_nan(capsys, tmp_path):
    """A linear network at lr 3 overflows to inf, then NaN; warnings are errors in this test run."""
    path = tmp_path / "run.json"
    argv = ["train", "--activation", "none", "--output-activation", "none", "--lr", "3", "--json", str(path)]
    code, out, err = run_cli(capsys, *argv, "--figures", str(tmp_path / "figures"))
    result = json.loads(path.read_text())  # strict JSON: no NaN literals
    assert code == 3
    assert err.startswith("diverged at epoch")
    assert result["diverged"] == err.strip()
    assert result["epochs_trained"] == len(result["loss_per_epoch"]) < 20000
    assert result["loss_per_epoch"][-1] is None
    assert len(parse(out)[1]) == 21
    assert (tmp_path / "figures" / "result.png").is_file()


# -- gradcheck ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "depth"),
    [
        ([], 3),
        (["--activation", "tanh", "--init", "xavier", "--hidden", "5", "4", "3"], 4),
        (["--activation", "relu", "--init", "he", "--output-activation", "none"], 3),
        (["--loss", "bce", "--epochs", "300", "--dataset", "circle", "--hidden"], 1),
    ],
    ids=["lab preset", "tanh", "relu", "bce trained"],
)
def test_gradcheck_passes_for_the_real_backward_pass(capsys, argv, depth):
    code, out, _ = run_cli(capsys, "gradcheck", *argv)
    layers = re.findall(r"^layer (\d+): (\S+) ok$", out, re.MULTILINE)
    assert code == 0
    assert [int(n) for n, _ in layers] == list(range(1, depth + 1))
    assert all(float(error) <= 1e-6 for _, error in layers)


def test_gradcheck_reports_a_divergence_before_checking(capsys):
    code, out, err = run_cli(capsys, "gradcheck", "--epochs", "50", "--lr", "100")
    assert (code, out) == (3, "")
    assert err.startswith("diverged at epoch")


def test_gradcheck_fails_and_names_the_layer_when_backprop_is_wrong(capsys, monkeypatch):
    right = MLP.gradients

    def wrong_output_layer(self, X, y, loss="mse"):
        grads = right(self, X, y, loss)
        dW, db = grads[-1]
        return [*grads[:-1], (1.01 * dW, 1.01 * db)]

    monkeypatch.setattr(MLP, "gradients", wrong_output_layer)
    code, out, _ = run_cli(capsys, "gradcheck")
    assert code == 1
    assert re.search(r"^layer 1: \S+ ok$", out, re.MULTILINE)
    assert re.search(r"^layer 2: \S+ ok$", out, re.MULTILINE)
    assert re.search(r"^layer 3: \S+ WRONG$", out, re.MULTILINE)


# -- the window ----------------------------------------------------------------------


def test_no_command_opens_the_window_with_the_settings(capsys, monkeypatch, tmp_path):
    calls = []
    fake = types.ModuleType("gui.app")
    fake.run = lambda settings, **options: calls.append((settings, options)) or 0
    monkeypatch.setitem(sys.modules, "gui.app", fake)
    shot = str(tmp_path / "shot.png")

    argv = ["--lr", "0.5", "--hidden", "4", "--epochs", "300", "--screenshot", shot, "--show", "gradients"]
    assert main.main(argv) == 0
    assert main.main([]) == 0
    none = {"data": None, "data_name": None}
    assert calls == [
        (Settings(lr=0.5, hidden=(4,), epochs=300), {**none, "epochs": 300, "screenshot": shot, "show": "gradients"}),
        (Settings(), {**none, "epochs": None, "screenshot": None, "show": None}),
    ]
    assert capsys.readouterr().err == ""

    points = tmp_path / "points.csv"
    points.write_text("x1,x2,label\n0,0,0\n1,1,1\n0,1,1\n")
    assert main.main(["--data-file", str(points)]) == 0
    _, options = calls[-1]
    assert options["data_name"] == "points.csv"
    np.testing.assert_array_equal(options["data"][0], [[0, 0], [1, 1], [0, 1]])
    np.testing.assert_array_equal(options["data"][1], [[0], [1], [1]])
    points.write_text("0,0,7\n")
    assert main.main(["--data-file", str(points)]) == 2  # refused before any window opens
    assert "labels must be 0 or 1" in capsys.readouterr().err


def test_the_window_without_a_display_says_so_instead_of_aborting():
    screens = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {key: value for key, value in os.environ.items() if key not in screens}
    result = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no display" in result.stderr and "--screenshot" in result.stderr
    assert "Traceback" not in result.stderr
