"""``sitrep run`` in webhook mode as a real process: updates in over HTTP, replies out to the
fake Bot API, probes and metrics on the same port, a clean SIGTERM that leaves the webhook set,
and neither the bot token nor the webhook secret in any log line (DEBUG logs included).
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.fault.conftest import SECRET_TOKEN, FaultyBotAPI
from tests.fault.test_cli_process import SECRET_PART, cli_env, migrate, sitrep, wait_for

WEBHOOK_SECRET = "whk_Secret-for-the-process-test_0123456789"
PATH = "/hooks/telegram"
USER = 3131


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http(
    port: int, path: str, body: dict[str, object] | None = None, secret: str | None = None
) -> tuple[int, str]:
    """GET (or POST ``body`` as JSON) on 127.0.0.1 without any proxy; (status, text)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if secret is not None:
        request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def ready(port: int) -> bool:
    try:
        return http(port, "/readyz")[0] == 200
    except OSError:
        return False


@pytest.mark.slow
def test_sitrep_run_serves_the_webhook_and_stops_cleanly(
    api: FaultyBotAPI, tmp_path: Path
) -> None:
    port = free_port()
    env = cli_env(api, tmp_path / "bot.sqlite3")
    env.update(
        SITREP_WEBHOOK_URL=f"https://bot.example.invalid{PATH}",
        SITREP_WEBHOOK_SECRET=WEBHOOK_SECRET,
        SITREP_HTTP_HOST="127.0.0.1",
        SITREP_HTTP_PORT=str(port),
    )
    migrate(env, tmp_path)
    process = sitrep(env, tmp_path, "run")
    try:
        wait_for(lambda: ready(port) or process.poll() is not None, 60, "the webhook server")
        assert process.poll() is None, process.err
        wait_for(lambda: bool(api.calls_of("setWebhook")), 30, "setWebhook")

        update = {"update_id": 1, **api.message_update("/start", chat_id=USER)}
        assert http(port, PATH, update, secret="wrong")[0] == 403
        assert api.sent_to(USER) == []
        status, _ = http(port, PATH, update, secret=WEBHOOK_SECRET)
        assert status == 200
        assert len(api.sent_to(USER)) == 1  # answered before the acknowledgement

        status, text = http(port, "/metrics")
        assert status == 200
        assert 'sitrep_commands_total{command="start",outcome="ok"} 1.0' in text
        assert 'sitrep_webhook_requests_total{result="forbidden"} 1.0' in text
        assert http(port, "/healthz")[0] == 200
    finally:
        code = process.terminate()
    assert code == 0, process.err
    assert api.calls_of("getUpdates") == []
    assert api.calls_of("deleteWebhook") == []  # other instances keep serving it
    assert api.calls_of("setWebhook")[0].params["secret_token"] == WEBHOOK_SECRET
    out, err = process.out, process.err
    assert "webhook /hooks/telegram" in err
    # Verbose logs: PTB logs setWebhook's parameters, the secret among them, redacted.
    assert "Calling Bot API endpoint `setWebhook`" in err
    assert "'secret_token': '<redacted-token>'" in err
    for text in (out, err):
        assert WEBHOOK_SECRET not in text
        assert SECRET_TOKEN not in text
        assert SECRET_PART not in text


@pytest.mark.slow
def test_a_busy_port_is_one_clear_line(api: FaultyBotAPI, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        env = cli_env(api, tmp_path / "bot.sqlite3")
        env.update(SITREP_HTTP_HOST="127.0.0.1", SITREP_HTTP_PORT=str(port))
        migrate(env, tmp_path)
        process = sitrep(env, tmp_path, "run")
        assert process.wait(timeout=60) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in process.err
    assert "Traceback" not in process.err
    assert api.calls == []  # refused before any Bot API call (not even getMe)
