"""Batch rendering on a tiny project: parallel, incremental, failure-proof, interruptible, checked."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from lmp import cli, render
from lmp.errors import ParameterError, RenderError
from lmp.render import batch
from tests import tiny_project

ROOT = Path(__file__).resolve().parent.parent


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _no_workers(monkeypatch) -> None:
    """Make starting a worker (and so a kernel) fail the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a worker was started")

    monkeypatch.setattr(batch._Workers, "__init__", refuse)


def _summary(out: str) -> dict[str, list[str]]:
    """The batch's summary table: words of each line, by report name."""
    return {line.split()[0]: line.split() for line in out.splitlines() if line}


def _render_with_beta_failing(monkeypatch, project: Path, capsys, beta: dict, alpha=None):
    """Render everything with extra parameters for ``beta`` (and ``alpha``); beta must fail and
    nothing else. Returns the jobs, the printed summary and its words by report name."""
    jobs = tiny_project.jobs(beta=beta, alpha=alpha or {})
    code = _cli(monkeypatch, project, "render", "--all", "--force", "--jobs", "2", jobs=jobs)
    captured = capsys.readouterr()
    assert code == 1
    assert "lmp: 1 report(s) failed: beta" in captured.err
    summary = _summary(captured.out)
    assert summary["alpha"][1] == "rendered" and summary[render.SYNTHESIS][1] == "rendered"
    return jobs, captured.out, summary


def _cli(monkeypatch, root: Path, *args: str, jobs: list[render.Job] | None = None) -> int:
    all_jobs = jobs or tiny_project.jobs()
    monkeypatch.setattr(render, "all_jobs", lambda data, outputs: all_jobs)
    monkeypatch.setattr(cli, "load_data", lambda path: None)  # the tiny data are no contract data
    return cli.main([*args, "--set", "real", "--root", str(root)])  # one set: the tiny project


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    root = tiny_project.make_project(tmp_path_factory.mktemp("tiny"))
    outcomes = render.render_reports(tiny_project.jobs(), root, workers=2)
    assert [o.status for o in outcomes] == [render.RENDERED] * 3
    return root


@pytest.fixture()
def project(rendered, tmp_path) -> Path:
    """A copy of the rendered project that a test may change."""
    return Path(shutil.copytree(rendered, tmp_path / "project"))


def test_a_batch_renders_every_report_with_a_manifest_and_an_index(rendered):
    outputs = rendered / "outputs"
    for name in ["alpha", "beta", render.SYNTHESIS]:
        assert (outputs / name / "report.en.html").is_file()
        assert not (outputs / name / "report.nl.html").exists(), "the tiny jobs: English only"
    assert "6 results" in (outputs / render.SYNTHESIS / "cross_proeftuin.en.ipynb").read_text()
    text = (outputs / render.MANIFEST).read_text()
    manifest = json.loads(text)
    assert text == json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    paths = [
        k for entry in manifest["reports"].values() for k in [*entry["inputs"], *entry["outputs"]]
    ]
    assert paths and not [p for p in paths if p.startswith("/") or ".." in p or "\\" in p]
    assert "outputs/alpha/tables/results.csv" in manifest["reports"][render.SYNTHESIS]["inputs"]
    assert set(manifest["index"]) == {"index.html"}
    assert {e["languages"] == ["en"] for e in manifest["reports"].values()} == {True}
    assert render.check_outputs(tiny_project.jobs(), rendered).ok
    assert not (outputs / render.STAGING).exists()


def test_with_nothing_changed_no_kernel_starts_and_nothing_is_written(project, monkeypatch):
    before = {p: p.stat().st_mtime_ns for p in (project / "outputs").rglob("*")}
    _no_workers(monkeypatch)
    outcomes = render.render_reports(tiny_project.jobs(), project, workers=2)
    assert [o.status for o in outcomes] == [render.CURRENT] * 3
    assert {p: p.stat().st_mtime_ns for p in (project / "outputs").rglob("*")} == before


def test_lmp_render_with_nothing_changed_imports_no_kernel_machinery(project):
    """The no-change path of the command: no worker, and not even pandas or papermill imported
    (that is what makes it answer in well under a second; benchmarks/render.py times it)."""
    jobs = json.dumps([job.to_dict() for job in tiny_project.jobs()])
    script = (
        "import json, sys\n"
        "from lmp import cli, render\n"
        f"jobs = [render.Job.from_dict(d) for d in json.loads({jobs!r})]\n"
        "render.all_jobs = lambda data, outputs: jobs\n"
        f"code = cli.main(['render', '--all', '--set', 'real', '--root', {str(project)!r}])\n"
        "heavy = sorted({'pandas', 'papermill', 'nbconvert', 'nbformat', 'psutil'} & set(sys.modules))\n"
        "print('heavy:', heavy)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=project
    )
    assert done.returncode == 0, done.stderr
    assert "nothing to render: 3 report(s) current" in done.stdout
    assert "heavy: []" in done.stdout


def test_a_changed_data_file_makes_exactly_its_reports_stale(project, monkeypatch, capsys):
    (project / "data" / "beta.csv").write_text("x\nchanged\n", encoding="utf-8")
    result = render.check_outputs(tiny_project.jobs(), project)
    assert set(result.stale) == {"beta", render.SYNTHESIS}
    assert result.stale["beta"] == ["data/beta.csv: changed"]
    assert "stale report(s): beta" in result.stale[render.SYNTHESIS][0]
    assert _cli(monkeypatch, project, "check") == 1
    out = capsys.readouterr().out
    assert "stale: beta\n    data/beta.csv: changed" in out and "stale: alpha" not in out

    alpha_before = _snapshot(project / "outputs" / "alpha")
    outcomes = render.render_reports(tiny_project.jobs(), project, workers=2)
    status = {o.name: o.status for o in outcomes}
    assert status == {"alpha": "current", "beta": "rendered", render.SYNTHESIS: "rendered"}
    assert _snapshot(project / "outputs" / "alpha") == alpha_before
    assert render.check_outputs(tiny_project.jobs(), project).ok
    assert _cli(monkeypatch, project, "check") == 0


def test_a_changed_parameter_or_notebook_makes_its_reports_stale(project):
    jobs = tiny_project.jobs(alpha={"sleep": 0.5})
    stale = render.check_outputs(jobs, project).stale
    assert set(stale) == {"alpha", render.SYNTHESIS}
    assert stale["alpha"] == ["parameter sleep: rendered with None, now 0.5"]
    notebook = project / "notebooks" / "cross_proeftuin.ipynb"
    notebook.write_text(notebook.read_text().replace("results", "rows"))
    stale = render.check_outputs(tiny_project.jobs(), project).stale
    assert stale == {render.SYNTHESIS: ["notebooks/cross_proeftuin.ipynb: changed"]}
    assert render.plan(tiny_project.jobs(), project, force=True).keys() == {
        "alpha",
        "beta",
        render.SYNTHESIS,
    }


def test_a_change_to_the_lmp_source_makes_every_report_stale(project, monkeypatch, tmp_path):
    package = tmp_path / "lmp"
    shutil.copytree(render.REPO_ROOT / "lmp", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr("lmp.render.manifest.PACKAGE_DIR", package)
    assert render.check_outputs(tiny_project.jobs(), project).ok
    (package / "did.py").write_text((package / "did.py").read_text() + "\n# changed\n")
    stale = render.check_outputs(tiny_project.jobs(), project).stale
    assert set(stale) == {"alpha", "beta", render.SYNTHESIS}
    assert "lmp/: changed" in stale["alpha"]


def test_a_failing_report_stops_nothing_and_keeps_its_previous_outputs(
    project, monkeypatch, capsys
):
    beta_before = _snapshot(project / "outputs" / "beta")
    manifest_before = json.loads((project / "outputs" / render.MANIFEST).read_text())
    jobs, out, summary = _render_with_beta_failing(monkeypatch, project, capsys, {"fail": True})
    assert summary["beta"][1:] == ["FAILED", summary["beta"][2], "outputs/beta.en.failed.ipynb"]
    assert "beta: report 'beta' (en) failed in cell 3: ValueError: deliberate failure" in out

    assert _snapshot(project / "outputs" / "beta") == beta_before
    manifest = json.loads((project / "outputs" / render.MANIFEST).read_text())
    assert manifest["reports"]["beta"] == manifest_before["reports"]["beta"]
    failed = nbformat.read(project / "outputs" / "beta.en.failed.ipynb", as_version=4)
    errors = [o for c in failed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0].evalue == "deliberate failure in beta"

    result = render.check_outputs(jobs, project)
    assert "outputs/beta.en.failed.ipynb: a failed render's notebook" in "\n".join(result.unclean)
    assert any("error output (ValueError" in problem for problem in result.unclean)


def test_bad_parameters_are_refused_before_any_worker_starts(project, monkeypatch, capsys):
    _no_workers(monkeypatch)
    for extra, words in [
        ({"colour": "blue"}, "unknown parameter(s) colour"),
        ({"sleep": "long"}, "parameter 'sleep' takes float, got 'long'"),
    ]:
        jobs = tiny_project.jobs(alpha=extra)
        with pytest.raises(ParameterError, match=words.replace("(", r"\(").replace(")", r"\)")):
            render.render_reports(jobs, project, workers=2, force=True)
        assert _cli(monkeypatch, project, "render", "--all", "-j", "2", jobs=jobs) == 2
        assert words in capsys.readouterr().err
    assert _cli(monkeypatch, project, "render", "--all", "--jobs", "0") == 2
    assert "--jobs takes a number" in capsys.readouterr().err
    assert not (project / "outputs" / render.STAGING).exists()


def test_check_fails_on_unclean_outputs(project):
    notebook = project / "outputs" / "alpha" / "proeftuin.en.ipynb"
    nb = json.loads(notebook.read_text())
    nb["cells"][2]["outputs"].append(
        {"output_type": "error", "ename": "KeyError", "evalue": "'x'", "traceback": []}
    )
    nb["cells"][1]["metadata"]["execution"] = {"iopub.status.busy": "2024-05-01T12:00:00.1Z"}
    notebook.write_text(json.dumps(nb))
    table = project / "outputs" / "beta" / "tables" / "results.csv"
    table.write_text(table.read_text() + f"# read from {project}/data/beta.csv\n")
    result = render.check_outputs(tiny_project.jobs(), project)
    text = "\n".join(result.unclean)
    assert "outputs/alpha/proeftuin.en.ipynb: cell 2 has an error output (KeyError" in text
    assert "outputs/alpha/proeftuin.en.ipynb: cell 1 has run metadata execution" in text
    assert "outputs/alpha/proeftuin.en.ipynb: timestamp '2024-05-01T12:00:00'" in text
    assert "outputs/beta/tables/results.csv: absolute path" in text
    assert "output alpha/proeftuin.en.ipynb: changed after rendering" in result.stale["alpha"]


def test_the_unclean_scan_knows_urls_from_paths_and_reads_png_chunks(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("<a href='http://inszo.nl/ezine/home/onderzoek/index.html'>x</a>")
    assert render.unclean(page, "a.html") == []
    page.write_text("<p>C:\\Users\\someone\\data.csv</p> /home/someone/x")
    assert len(render.unclean(page, "a.html")) == 1
    png = tmp_path / "a.png"
    chunk = b"tEXtCreation Time\x002024"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + len(chunk[4:]).to_bytes(4, "big") + chunk + b"\0" * 4)
    assert render.unclean(png, "a.png") == ["a.png: PNG text 'Creation Time'"]


@pytest.mark.parametrize(
    "text",
    [
        "run at 2024-05-01T12:00:00.1Z",
        "run at 2024-05-01 12:00",
        "kernel 1b2c3d4e-aaaa-4bbb-8ccc-0123456789ab",
        "read from /work/lmp/data.csv",
        "read from C:\\Users\\me\\data.csv",
        "read from D:\\\\data\\x.csv",
    ],
)
def test_every_unclean_match_contains_the_part_the_quick_scan_looks_for(text):
    normalise = importlib.import_module(
        "lmp.render.normalise"
    )  # the package has a function of that name
    hits = [p for p in normalise._NEEDS if p.search(text)]
    assert hits and all(normalise._NEEDS[p].search(text) for p in hits)
    assert normalise._text_problems(text, "x", [])


def test_a_kernel_that_fails_to_start_is_retried_once(tmp_path, monkeypatch):
    root = tiny_project.make_project(tmp_path / "project")
    kernels = tmp_path / "share" / "jupyter" / "kernels"
    marker = tmp_path / "attempts"
    flaky = (
        f'echo x >> "{marker}"; [ "$(wc -l < "{marker}")" -ge 2 ] || exit 1; '
        f'exec "{sys.executable}" -m ipykernel_launcher -f "$0"'
    )
    for name, argv in [("flaky", ["sh", "-c", flaky, "{connection_file}"]), ("broken", ["false"])]:
        (kernels / name).mkdir(parents=True)
        spec = {"argv": argv, "display_name": name, "language": "python"}
        (kernels / name / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    job = tiny_project.jobs()[0]
    render.run_job(job, root, kernel="flaky")
    assert marker.read_text().count("x") == 2, "started once more after the failed start"
    assert (root / "outputs" / "alpha" / "tables" / "results.csv").is_file()
    before = _snapshot(root / "outputs")
    with pytest.raises(RenderError, match="the kernel did not start \\(2 attempts\\)"):
        render.run_job(job, root, kernel="broken")
    assert _snapshot(root / "outputs") == before


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def test_an_interrupted_render_leaves_the_outputs_as_they_were(project, tmp_path):
    before = _snapshot(project / "outputs")
    pids = tmp_path / "pids"
    pids.mkdir()
    jobs = tiny_project.jobs(
        alpha={"sleep": 120.0, "pid_file": str(pids / "alpha")},
        beta={"sleep": 120.0, "pid_file": str(pids / "beta")},
    )
    spec = json.dumps([job.to_dict() for job in jobs])
    script = (
        "import json, sys\n"
        "from lmp import cli, render\n"
        f"jobs = [render.Job.from_dict(d) for d in json.loads({spec!r})]\n"
        "render.all_jobs = lambda data, outputs: jobs\n"
        "cli.load_data = lambda path: None\n"
        f"sys.exit(cli.main(['render', '--all', '-j', '2', '--set', 'real', '--root', {str(project)!r}]))\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as from a terminal: a shell without job control starts background jobs ignoring SIGINT
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.2)
    kernels = [int(p.read_text()) for p in pids.iterdir()]
    assert len(kernels) == 2 and all(_alive(pid) for pid in kernels)
    assert (project / "outputs" / render.STAGING).exists()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "interrupted" in err and "not run" in out
    assert _snapshot(project / "outputs") == before
    assert not (project / "outputs" / render.STAGING).exists()
    assert not [pid for pid in kernels if _alive(pid)], "the kernels were ended"


def test_recover_puts_back_the_outputs_of_an_unfinished_swap(project):
    outputs = project / "outputs"
    before = _snapshot(outputs / "alpha")
    (outputs / "alpha").rename(outputs / "alpha.previous")
    (outputs / "alpha").mkdir()
    (outputs / "alpha" / "half.csv").write_text("x\n")
    (outputs / render.STAGING / "beta").mkdir(parents=True)
    assert render.recover(outputs) == ["alpha"]
    assert _snapshot(outputs / "alpha") == before
    assert not (outputs / render.STAGING).exists() and not (outputs / "alpha.previous").exists()


def test_the_summary_table_names_every_report(tmp_path):
    outcomes = [
        render.Outcome("alpha", "rendered", 1.25, "outputs/alpha"),
        render.Outcome("beta", "FAILED", 0.5, "outputs/beta.failed.ipynb", "report 'beta' failed"),
    ]
    lines = render.summary_table(outcomes).splitlines()
    assert lines[0].split() == ["report", "status", "seconds", "output"]
    assert lines[2].split() == ["alpha", "rendered", "1.2", "outputs/alpha"]
    assert lines[-1] == "beta: report 'beta' failed"


@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_default_workers_is_the_number_of_cores():
    assert render.default_workers() == (os.cpu_count() or 1)


def test_a_dead_worker_process_is_replaced_and_its_reports_get_one_more_try(
    project, monkeypatch, capsys
):
    """beta's kernel kills its worker once: the pool breaks, alpha (running beside it) and beta
    are lost with it, a new pool starts and both render on their second try."""
    marker = project / "killed-once"  # the kernels run in the project folder
    jobs = tiny_project.jobs(alpha={"sleep": 2.0}, beta={"kill_worker": marker.name, "sleep": 0.5})
    code = _cli(monkeypatch, project, "render", "--all", "--force", "--jobs", "2", jobs=jobs)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert marker.exists()
    summary = _summary(captured.out)
    for name in ["alpha", "beta", render.SYNTHESIS]:
        assert summary[name][1] == "rendered"
    assert render.check_outputs(jobs, project).ok


def test_a_report_that_kills_its_worker_every_time_fails_alone(project, monkeypatch, capsys):
    """alpha (still running when beta first kills its worker) is lost too, but each lost report
    then runs alone: alpha renders, and beta, killing its worker again on its own, fails."""
    beta_before = _snapshot(project / "outputs" / "beta")
    _, out, summary = _render_with_beta_failing(
        monkeypatch, project, capsys, {"kill_worker": "always"}, alpha={"sleep": 3.0}
    )
    assert summary["beta"][1] == "FAILED"
    assert "its worker process died while it ran alone" in out
    assert _snapshot(project / "outputs" / "beta") == beta_before


def test_a_second_render_into_the_same_outputs_is_refused_while_one_runs(project, monkeypatch):
    """The lock is an flock on outputs/.render.lock: held here as a running render would hold it."""
    import fcntl

    _no_workers(monkeypatch)
    jobs = tiny_project.jobs()
    with open(project / "outputs" / batch.LOCK, "a") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(RenderError, match="another `lmp render` is writing to outputs/"):
            render.render_reports(jobs, project, force=True)
    assert render.check_outputs(jobs, project).ok  # the lock file itself is not unclean
    outcomes = render.render_reports(jobs, project)  # released: renders (here: all current)
    assert {o.status for o in outcomes} == {render.CURRENT}


def _cells(notebook: Path) -> str:
    """A notebook's markdown sources and printed outputs, as one text."""
    nb = nbformat.read(notebook, as_version=4)
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    texts += [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    return "\n".join(texts)


def test_each_report_renders_in_every_language_reusing_the_first_languages_estimates(
    project, monkeypatch, capsys
):
    jobs = tiny_project.jobs(languages=render.LANGUAGES)
    assert _cli(monkeypatch, project, "render", "--all", "-j", "2", jobs=jobs) == 0
    capsys.readouterr()
    alpha = project / "outputs" / "alpha"
    names = {p.relative_to(alpha).as_posix() for p in alpha.rglob("*") if p.is_file()}
    assert names == {
        "proeftuin.en.ipynb",
        "proeftuin.nl.ipynb",
        "report.en.html",
        "report.nl.html",
        "figures/summary.en.png",
        "figures/summary.nl.png",
        "tables/results.csv",
        "tables/primary.csv",
    }, "one notebook, page and figure per language; the tables once; no results cache"
    english, dutch = _cells(alpha / "proeftuin.en.ipynb"), _cells(alpha / "proeftuin.nl.ipynb")
    assert "alpha (en): effect" in english and "computed" in english
    assert "alpha (nl): effect" in dutch and "read from the cache" in dutch
    assert "## Summary" in english and "Samenvatting" not in english
    assert "## Samenvatting" in dutch and "Summary" not in dutch
    assert "Untagged: in every language." in english and "Untagged: in every language." in dutch
    nb = nbformat.read(alpha / "proeftuin.nl.ipynb", as_version=4)
    assert nb.metadata["lmp"]["parameters"]["language"] == "nl"
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'language = "nl"' in injected.source and "results_cache" not in injected.source
    page_en = (alpha / "report.en.html").read_text(encoding="utf-8")
    page_nl = (alpha / "report.nl.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page_en and "<title>Alpha - tiny report</title>" in page_en
    assert '<html lang="nl">' in page_nl and "<title>Alpha - klein rapport</title>" in page_nl
    manifest = json.loads((project / "outputs" / render.MANIFEST).read_text())
    assert manifest["reports"]["alpha"]["languages"] == ["en", "nl"]
    assert render.check_outputs(jobs, project).ok, render.check_outputs(jobs, project).text()
    index = (project / "outputs" / render.INDEX).read_text(encoding="utf-8")
    assert "href='alpha/report.nl.html'" in index and "href='alpha/report.en.html'" in index

    # --language en: a quick English-only render; the report is then stale for every language
    monkeypatch.setattr(batch, "_Workers", _InProcess)  # in this process: faster
    code = _cli(monkeypatch, project, "render", "alpha", "--language", "en", "--force", jobs=jobs)
    assert code == 0, capsys.readouterr().err
    assert not (alpha / "report.nl.html").exists() and (alpha / "report.en.html").exists()
    stale = render.check_outputs(jobs, project).stale
    assert stale["alpha"][0] == "languages: rendered in en, now en, nl"
    index = (project / "outputs" / render.INDEX).read_text(encoding="utf-8")
    assert "Nederlands: not rendered" in index


class _InProcess:
    """A stand-in for the worker pool that renders each report in this process."""

    def __init__(self, size: int) -> None:
        pass

    def submit(self, job: render.Job, root: Path):
        from concurrent.futures import Future

        future = Future()
        future.set_result(batch._render_one(job.to_dict(), str(root)))
        return future

    def watch(self) -> None:
        pass

    def kill_all(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_failing_second_language_publishes_neither(project):
    before = _snapshot(project / "outputs" / "alpha")
    job = tiny_project.jobs(render.LANGUAGES, alpha={"fail_language": "nl"})[0]
    with pytest.raises(RenderError, match=r"report 'alpha' \(nl\) failed in cell 3"):
        render.run_job(job, project)
    assert _snapshot(project / "outputs" / "alpha") == before
    assert render.failed_notebooks(project / "outputs", "alpha") == [
        project / "outputs" / "alpha.nl.failed.ipynb"
    ]
    assert not (project / "outputs" / render.STAGING).exists()
    render.run_job(tiny_project.jobs(render.LANGUAGES)[0], project)  # fixed: the failed one goes
    assert render.failed_notebooks(project / "outputs", "alpha") == []


def test_a_table_that_differs_between_languages_is_refused(project):
    before = _snapshot(project / "outputs" / "alpha")
    job = tiny_project.jobs(render.LANGUAGES, alpha={"table_by_language": True})[0]
    with pytest.raises(RenderError, match="different bytes to tables/words.csv"):
        render.run_job(job, project)
    assert _snapshot(project / "outputs" / "alpha") == before


def test_a_notebook_without_the_language_parameters_is_refused(tmp_path):
    root = tiny_project.make_project(tmp_path)
    notebook = root / "notebooks" / "proeftuin.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace('language = "en"\n', "")
    nbformat.write(nb, notebook)
    job = tiny_project.jobs()[0]
    with pytest.raises(ParameterError, match=r"no parameter\(s\) language, which lmp render"):
        render.run_job(job, root)
    job = tiny_project.jobs(alpha={"language": "nl"})[0]
    complete = tiny_project.make_project(tmp_path / "complete")  # a notebook that takes them
    with pytest.raises(ParameterError, match="set by lmp render for each language"):
        render.render_reports([job], complete)
    with pytest.raises(ParameterError, match="choose one or more of en, nl"):
        render.Job("x", "proeftuin.ipynb", "X", languages=("fr",))
    assert render.check_languages(["nl", "en"]) == ("en", "nl"), "English first"
