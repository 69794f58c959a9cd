"""A reader's JupyterLab: a chapter's .ipynb, and a paired .md through Jupytext, run in the UI.

``jupyter lab`` starts headless on a loopback port of its choosing with a random token, on a
copy of two chapters in a temporary folder (so saving never touches the checkout;
the companion is importable because the set-up installs it with ``pip install -e``).
Headless Chromium opens each chapter (the .ipynb copy without its stored outputs), runs
all of its cells from the Run menu, waits until every code cell has its execution count
(failing at once if the run stops early on an error), saves it (Ctrl+S), and checks that
outputs appeared in the page and that the saved notebook holds no error output. The
``.md`` opens as a notebook on a double click after the README's
``jupytext-config set-default-viewer`` (run here against a private settings folder),
and saving it writes its paired ``.ipynb`` too. Afterwards the server (with its
kernels) and the browser are shut down, and no process of theirs may be left.

The server chooses its port. If it exits before serving (the port it found was taken before it
bound it), it is started once more; a second test checks that waiting outlasts a non-HTTP answer
on such a port, and a third that a server which never serves fails the wait, naming the file of
its messages. The JupyterLab test skips only where Chromium is missing (a failure under ``CI``):
see tests/browser.py.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import jupytext
import nbformat
import psutil
import pytest

from browser import chromium

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

ROOT = Path(__file__).resolve().parent.parent
# Short chapters that still print outputs: one opened as .ipynb, one as .md (Jupytext).
IPYNB_CHAPTER = "introduction"
MD_CHAPTER = "reproducibility"
START_TIMEOUT = 120
START_ATTEMPTS = 2
RUN_TIMEOUT = 600


def lab_env(home: Path) -> dict[str, str]:
    """The environment of a JupyterLab whose settings, runtime and workspaces live in `home`."""
    return {**os.environ,
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / "config" / "lab" / "user-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}


def wait_for_server(runtime: Path, token: str, server: subprocess.Popen, log: Path,
                    timeout: float = START_TIMEOUT) -> str | None:
    """Waits until the server has written its info file (``jpserver-<pid>.json`` in `runtime`,
    with its port) and answers ``/api/status`` there; fails after `timeout` seconds, naming
    `log` (the server's messages).

    Returns:
        the server's URL, ``http://127.0.0.1:<port>``; None if the server exited first.
    """
    deadline = time.monotonic() + timeout
    url = None
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return None
        try:
            if url is None:
                info = json.loads((runtime / f"jpserver-{server.pid}.json").read_text(encoding="utf-8"))
                url = f"http://127.0.0.1:{info['port']}"
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as answer:
                if answer.status == 200:
                    return url
        except (OSError, ValueError, http.client.HTTPException):  # no info file yet (or half written),
            time.sleep(0.5)  # not listening yet, or another process holds the port the server lost
    pytest.fail(f"jupyter lab did not serve within {timeout} s (its URL: {url}); its messages: {log}")


def start_lab(root: Path, env: dict[str, str], token: str, log: Path) -> tuple[subprocess.Popen, str]:
    """Starts ``jupyter lab`` headless on `root`, with `env` and `token`, its messages in `log`, and waits
    until it serves.

    The server chooses its port (``--port=0``): a port chosen here was once taken, during the seconds of
    the server's start-up, by a kernel of the parallel nbval run (the test read a ZeroMQ greeting there).
    jupyter_server itself finds a free port and binds it a moment later; if that port is lost in between,
    the server exits ("The port ... is already in use", in `log`) and is started once more.

    Returns:
        the server and its URL.
    """
    for _ in range(START_ATTEMPTS):
        with log.open("a", encoding="utf-8") as stderr:
            server = subprocess.Popen(
                [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--port=0",
                 "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
                 f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                 "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                 "--LabApp.extension_manager=readonly",
                 *(["--allow-root"] if os.geteuid() == 0 else [])],  # CI runs as root
                env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
        try:
            url = wait_for_server(Path(env["JUPYTER_RUNTIME_DIR"]), token, server, log)
        except BaseException:
            shut_down(None, token, server)
            raise
        if url is not None:
            return server, url
        shut_down(None, token, server)
    pytest.fail(f"jupyter lab exited before serving, {START_ATTEMPTS} times (last exit code "
                f"{server.returncode}); its messages: {log}")


def shut_down(url: str | None, token: str, server: subprocess.Popen) -> list[psutil.Process]:
    """Asks the server at `url` to shut down (it stops its kernels), or terminates it if it never
    said where it listens (`url` None); kills what is left.

    Returns:
        the processes of the server's tree that were still running afterwards.
    """
    try:
        root = psutil.Process(server.pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:  # the server already exited (its kernels were its children)
        tree = []
    try:
        if url is None:
            server.terminate()
        else:
            request = urllib.request.Request(f"{url}/api/shutdown", method="POST",
                                             headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(request, timeout=10).close()
        server.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        pass
    _, alive = psutil.wait_procs(tree, timeout=15)
    for process in alive:
        process.kill()
    psutil.wait_procs(alive, timeout=10)
    if server.poll() is None:
        server.kill()
        server.wait(timeout=10)
    return alive


def click_menu(driver: Chrome, menu: str, item: str) -> None:
    """Clicks `item` in the menu bar's `menu` (e.g. "Run", "Run All Cells")."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 30)
    wait.until(ec.element_to_be_clickable(
        (By.XPATH, f"//li[contains(@class, 'lm-MenuBar-item')][.//div[text()='{menu}']]"))).click()
    wait.until(ec.element_to_be_clickable(
        (By.XPATH, f"//li[contains(@class, 'lm-Menu-item')][.//div[text()='{item}']]"))).click()


# Execution prompts of the open notebook's code cells, e.g. ["[1]:", "[*]:", "[ ]:"].
PROMPTS = """
const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)");
if (!panel) { return null; }
return Array.from(panel.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt"),
                  (prompt) => prompt.textContent.trim());
"""
# The kernel is up and idle once the status bar says Idle (not Starting/Busy/Unknown).
KERNEL_IDLE = """
return Array.from(document.querySelectorAll(".jp-StatusBar-TextItem"),
                  (item) => item.textContent).some((text) => text.includes("Idle"));
"""
LAST_OUTPUT = """
const outputs = document.querySelectorAll(
  ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output");
return outputs.length ? outputs[outputs.length - 1].textContent.slice(0, 2000) : null;
"""
OUTPUT_COUNT = """
const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)");
return panel.querySelectorAll(".jp-OutputArea-output").length;
"""


def run_all_and_save(driver: Chrome, url: str, token: str, path: str, saved: Path) -> int:
    """Opens `path` (relative to the server's root) with its default viewer, runs all
    cells from the Run menu, waits until each code cell has run, saves with Ctrl+S.

    Returns:
        the number of outputs shown in the page.
    """
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    # A workspace of its own: no tab of an earlier chapter is restored beside this one.
    workspace = Path(path).stem
    driver.get(f"{url}/lab/workspaces/{workspace}/tree/{path}?token={token}")
    name = Path(path).name
    WebDriverWait(driver, 120).until(
        lambda d: d.execute_script(CURRENT_TAB) == name and d.execute_script(PROMPTS))
    # The kernel is up once the status bar says Idle (not Starting/Unknown).
    WebDriverWait(driver, 120, poll_frequency=1).until(
        lambda d: kernel_idle(d, path))
    before = saved.stat().st_mtime_ns
    def started(d: Chrome) -> bool:
        return any(p == "[*]:" or p[1:-2].isdigit() for p in d.execute_script(PROMPTS) or [])

    click_menu(driver, "Run", "Run All Cells")
    try:  # a click while the new tab's kernel is still starting can be lost: click once more
        WebDriverWait(driver, 60, poll_frequency=1).until(started)
    except TimeoutException:
        click_menu(driver, "Run", "Run All Cells")

    stalled = []  # polls in a row at which the kernel idled with cells left unrun

    def all_ran(d: Chrome) -> bool:
        prompts = d.execute_script(PROMPTS) or []
        if prompts and all(p[1:-2].isdigit() for p in prompts):
            return True
        idle = started(d) and "[*]:" not in prompts and d.execute_script(KERNEL_IDLE)
        stalled.append(1) if idle else stalled.clear()
        if len(stalled) >= 30:  # idle for 30 s with cells unrun: Run All stopped on an error
            pytest.fail(f"{path}: the run stopped with cells left unrun ({prompts}); "
                        f"last output: {d.execute_script(LAST_OUTPUT)!r}")
        return False

    WebDriverWait(driver, RUN_TIMEOUT, poll_frequency=1).until(
        all_ran, f"{path}: not every cell ran within {RUN_TIMEOUT} s")
    outputs = driver.execute_script(OUTPUT_COUNT)
    save(driver, path, saved, before)
    time.sleep(1)  # let the save (and Jupytext's paired write) finish
    return outputs


# The text of an open dialog (e.g. JupyterLab's "File Changed"), or null.
DIALOG = """
const dialog = document.querySelector(".jp-Dialog");
return dialog ? dialog.textContent : null;
"""
# The label of the main area's current tab, e.g. "introduction.ipynb".
CURRENT_TAB = """
const tab = document.querySelector(".jp-MainAreaWidget-ContainerTab.lm-mod-current, "
  + "#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current");
return tab ? tab.querySelector(".lm-TabBar-tabLabel").textContent : null;
"""


def kernel_idle(driver: Chrome, path: str) -> bool:
    """Whether the open notebook's kernel is idle; answers a "Select Kernel" dialog on the way.

    JupyterLab asks for a kernel when it could not start the notebook's own by itself (on
    a loaded machine, starting a session can fail once). The test answers as a reader
    would: Python 3, the chapters' kernelspec.
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    dialog = driver.execute_script(DIALOG)
    if dialog:
        assert dialog.startswith("Select Kernel"), f"{path}: unexpected dialog: {dialog!r}"
        Select(driver.find_element(By.CSS_SELECTOR, ".jp-Dialog select")).select_by_visible_text(
            "Python 3 (ipykernel)")
        driver.find_element(
            By.XPATH, "//div[contains(@class, 'jp-Dialog')]//button[.//*[text()='Select']]").click()
        return False
    return driver.execute_script(KERNEL_IDLE)


def save(driver: Chrome, path: str, saved: Path, before: int) -> None:
    """Saves the open notebook with Ctrl+S until `saved`'s mtime moves past `before`.

    The keys go to the visible notebook, focused by script (a click can hit a tab still
    being hidden on a loaded machine). A keystroke lost while the page is busy is sent
    again. A "File Changed" dialog (JupyterLab compares the paired files' times on disk
    with the ones it loaded) is answered "Overwrite", as a reader would.
    """
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    dialogs = []
    for _ in range(3):
        driver.execute_script(
            "const panels = Array.from(document.querySelectorAll("
            "'.jp-NotebookPanel:not(.lm-mod-hidden)')).filter((p) => p.offsetParent !== null);"
            "panels[panels.length - 1].querySelector('.jp-Notebook').focus();")
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()
        try:
            WebDriverWait(driver, 20, poll_frequency=0.5).until(
                lambda d: saved.stat().st_mtime_ns != before or d.execute_script(DIALOG))
        except TimeoutException:
            continue  # the keystroke was lost: send it again
        dialog = driver.execute_script(DIALOG)
        if dialog:
            dialogs.append(dialog)
            assert "changed on disk" in dialog, f"{path}: unexpected dialog on save: {dialog!r}"
            driver.find_element(
                By.XPATH, "//div[contains(@class, 'jp-Dialog')]//button[.//*[text()='Overwrite']]"
            ).click()
            WebDriverWait(driver, 20).until(lambda d: saved.stat().st_mtime_ns != before)
        if saved.stat().st_mtime_ns != before:
            return
    pytest.fail(f"{path}: three Ctrl+S did not save {saved.name} (dialogs: {dialogs})")


def saved_problems(notebook: Path) -> list[str]:
    """Code cells of a saved `notebook` that did not run, or whose output is an error."""
    nb = jupytext.read(notebook)
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is None:
            problems.append(f"cell {index} did not run: {cell.source[:60]!r}")
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"cell {index} raised {output.ename}: {output.evalue}")
    if not any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"):
        problems.append("no code cell has an output")
    return problems


def test_chapters_run_in_jupyterlab_as_ipynb_and_as_md(tmp_path: Path) -> None:
    started = time.monotonic()
    root, home = tmp_path / "course", tmp_path / "home"
    (root / "book").mkdir(parents=True)
    home.mkdir()
    shutil.copy(ROOT / "pyproject.toml", root)  # [tool.jupytext] formats: the pairing
    for chapter in (IPYNB_CHAPTER, MD_CHAPTER):
        for suffix in (".ipynb", ".md"):
            shutil.copy(ROOT / "book" / f"{chapter}{suffix}", root / "book")
    # Without its stored outputs, the .ipynb shows only what this run computes.
    stored = nbformat.read(root / "book" / f"{IPYNB_CHAPTER}.ipynb", as_version=4)
    for cell in stored.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(stored, root / "book" / f"{IPYNB_CHAPTER}.ipynb")
    md_text = (root / "book" / f"{MD_CHAPTER}.md").read_text(encoding="utf-8")
    env = lab_env(home)
    # The README's step that makes a double click open a .md as a notebook.
    subprocess.run([sys.executable, "-m", "jupytext_config", "set-default-viewer", "markdown",
                    "myst"], env=env, check=True, capture_output=True)
    token = secrets.token_hex(16)
    server, url = start_lab(root, env, token, tmp_path / "server.log")
    left: list[psutil.Process] = []
    try:
        with chromium(tmp_path / "chromium", width=1400, height=1000) as driver:
            shown = run_all_and_save(driver, url, token, f"book/{IPYNB_CHAPTER}.ipynb",
                                     root / "book" / f"{IPYNB_CHAPTER}.ipynb")
            assert shown > 0, f"{IPYNB_CHAPTER}.ipynb: no output appeared in JupyterLab"
            shown = run_all_and_save(driver, url, token, f"book/{MD_CHAPTER}.md",
                                     root / "book" / f"{MD_CHAPTER}.ipynb")
            assert shown > 0, f"{MD_CHAPTER}.md: no output appeared in JupyterLab"
    finally:
        left = shut_down(url, token, server)
    assert not left, f"processes left behind by jupyter lab: {[p.pid for p in left]}"
    for chapter in (IPYNB_CHAPTER, MD_CHAPTER):
        problems = saved_problems(root / "book" / f"{chapter}.ipynb")
        assert not problems, f"{chapter} run in JupyterLab:\n" + "\n".join(problems)
    # Saving the .md kept it a MyST notebook with the same cells (outputs went to the .ipynb).
    saved_md = jupytext.read(root / "book" / f"{MD_CHAPTER}.md")
    assert [c.source for c in saved_md.cells] == [c.source for c in jupytext.reads(md_text, "md:myst").cells]
    print(f"JupyterLab test wall time: {time.monotonic() - started:.1f} s")


def greet(listener: socket.socket, greeted: list[int]) -> None:
    """Answers each connection to `listener` as a ZeroMQ socket would: it reads what the peer sent, then sends
    its greeting (counted in `greeted`), until `listener` is shut down."""
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            connection.recv(65536)
            connection.sendall(b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f")
            greeted.append(1)


def test_waiting_outlasts_a_foreign_listener_and_ends_when_the_server_exits(tmp_path: Path) -> None:
    """A port the server lost to another process answers with something that is not HTTP (here a ZeroMQ
    greeting): waiting goes on, and ends with None once the server has exited."""
    listener = socket.create_server(("127.0.0.1", 0))
    greeted: list[int] = []
    greetings = threading.Thread(target=greet, args=(listener, greeted), daemon=True)
    greetings.start()
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"])
    try:
        info = {"port": listener.getsockname()[1], "pid": server.pid}
        (tmp_path / f"jpserver-{server.pid}.json").write_text(json.dumps(info), encoding="utf-8")
        assert wait_for_server(tmp_path, "token", server, tmp_path / "server.log") is None
    finally:
        server.kill()
        server.wait()
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (a close alone would not)
        listener.close()
        greetings.join(timeout=5)
    assert not greetings.is_alive()
    assert greeted, "the wait never reached the listener"


def test_a_server_that_never_serves_fails_the_wait_naming_its_log(tmp_path: Path) -> None:
    """A server that neither serves nor exits (here one that never writes its info file) fails the
    wait once its time is up, with the place of its messages."""
    log = tmp_path / "server.log"
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(pytest.fail.Exception, match=re.escape(
                f"did not serve within 1 s (its URL: None); its messages: {log}")):
            wait_for_server(tmp_path, "token", server, log, timeout=1)
    finally:
        server.kill()
        server.wait()
