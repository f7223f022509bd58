"""The load test's summary (loadtest/summarise.py) and CPU accounting (loadtest/cpu.py), fed a tiny locust CSV
and made-up CPU figures: the latencies, throughput and errors are reported as locust measured them, each
process group's share of the machine is its CPU seconds over what the cores could give, and any error is a
FAIL with exit code 1."""

import importlib.util
import json
from pathlib import Path

import pytest

LOADTEST = Path(__file__).resolve().parents[2] / "loadtest"

HEADER = ("Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
          "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
          "99.99%,100%\n")


def load(name):
    spec = importlib.util.spec_from_file_location(f"loadtest_{name}", LOADTEST / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_run(folder: Path, *, failures: int) -> None:
    (folder / "loadtest_stats.csv").write_text(
        HEADER
        + f"GET,/review/ (case review),100,{failures},50,60,10,900,1000,2.5,0,50,55,60,65,80,120,200,300,800,900,900\n"
        + "POST,/attendance/ (save the day),50,0,90,95,20,700,1000,1.25,0,90,95,99,100,110,150,300,400,700,700,700\n"
        + f",Aggregated,150,{failures},60,70,10,900,1000,3.75,0,60,70,80,90,100,140,250,350,800,900,900\n",
        encoding="utf-8")
    (folder / "cpu.json").write_text(json.dumps({
        "elapsed_s": 100.0, "cpus": 2, "capacity_s": 200.0, "idle_s": 50.0,
        "groups": [
            {"name": "gunicorn A (127.0.0.1:8001)", "root_pid": 10, "cpu_s": 60.0, "processes_before": 6,
             "processes_after": 6},
            {"name": "gunicorn B (127.0.0.1:8002)", "root_pid": 20, "cpu_s": 40.0, "processes_before": 6,
             "processes_after": 6},
            {"name": "postgres", "root_pid": 30, "cpu_s": 20.0, "processes_before": 8, "processes_after": 18},
        ],
        "locust": {"cpu_s": 10.0},
    }), encoding="utf-8")


def test_cpu_shares_are_seconds_over_the_cores_capacity_and_add_up_to_the_whole_machine(tmp_path):
    write_run(tmp_path, failures=0)
    shares = load("summarise").cpu_shares(json.loads((tmp_path / "cpu.json").read_text()))
    by_group = {row["group"]: row for row in shares}
    assert by_group["gunicorn A (127.0.0.1:8001)"]["share_pct"] == 30.0
    assert by_group["gunicorn A (127.0.0.1:8001)"]["cores"] == 0.6
    assert by_group["postgres"]["share_pct"] == 10.0 and by_group["postgres"]["processes"] == 18
    assert by_group["locust"]["share_pct"] == 5.0
    # busy 150 s, of which the measured groups 130 s: the other 20 s were other processes on the machine
    assert by_group["other processes on the machine"]["share_pct"] == 10.0
    assert by_group["idle"]["share_pct"] == 25.0
    assert sum(row["share_pct"] for row in shares) == pytest.approx(100.0)


def test_summary_reports_percentiles_throughput_errors_and_cpu_in_the_output_and_summary_folders(tmp_path, capsys):
    write_run(tmp_path, failures=0)
    summary = tmp_path / "committed"
    code = load("summarise").main([str(tmp_path / "loadtest"), "--users", "30", "--duration", "60s",
                                   "--hosts", "http://127.0.0.1:8001,http://127.0.0.1:8002",
                                   "--cpu", str(tmp_path / "cpu.json"), "--summary-dir", str(summary)])
    assert code == 0
    document = json.loads((tmp_path / "loadtest.json").read_text())
    assert document["result"] == "PASS" and document["errors"] == 0
    assert (document["total"]["p50_ms"], document["total"]["p95_ms"], document["total"]["p99_ms"]) == (60, 140, 350)
    assert document["total"]["rps"] == 3.75
    text = (tmp_path / "loadtest.md").read_text()
    assert "2 gunicorn instances" in text
    assert "p50 60 ms, p95 140 ms, p99 350 ms" in text and "Throughput 3.8 requests/s" in text
    assert "| gunicorn B (127.0.0.1:8002) | 6 | 40.0 | 20.0 % | 0.40 |" in text
    assert (summary / "loadtest.md").read_text() == text, "LOADTEST_UPDATE_SUMMARY's copy is the same summary"
    assert "**PASS**" in capsys.readouterr().out


def test_any_error_is_a_fail_with_exit_code_1(tmp_path, capsys):
    write_run(tmp_path, failures=2)
    code = load("summarise").main([str(tmp_path / "loadtest"), "--cpu", str(tmp_path / "cpu.json")])
    assert code == 1
    assert json.loads((tmp_path / "loadtest.json").read_text())["result"] == "FAIL"
    assert "FAIL: 2 errors" in capsys.readouterr().err


def test_a_group_is_its_root_and_every_process_below_it():
    tree_seconds = load("cpu").tree_seconds
    processes = {  # pid: (parent pid, CPU seconds)
        100: (1, 1.0), 101: (100, 2.0), 102: (100, 3.0), 103: (101, 4.0),  # gunicorn master, workers, a grandchild
        200: (1, 10.0), 201: (200, 20.0),  # another tree
    }
    assert tree_seconds(100, processes) == (10.0, 4)
    assert tree_seconds(999, processes) == (0.0, 0), "a root that has ended counts nothing"
