"""The ops server of a running bot: liveness, readiness and metrics, over HTTP."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.channels.telegram.runner import TelegramBot
from tests.channels.telegram.conftest import StartBot
from tests.fakes.bot_api import FakeBotApi


async def metrics(client: httpx.AsyncClient) -> dict[tuple[str, tuple], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def test_health_readiness_and_metrics_move_when_messages_flow(
    fake: FakeBotApi, bot: TelegramBot
):
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot.ops.port}") as client:
        live = await client.get("/healthz")
        assert live.status_code == 200 and live.json()["ok"] is True
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["bot"]["mode"] == "polling"
        assert (await client.get("/nope")).status_code == 404
        sent_at = time.time()
        before = await metrics(client)
        assert before[("hirebot_build_info", (("version", before_version(before)),))] == 1

        ana = fake.user()
        fake.fail_next(1, method="sendMessage", status=429, retry_after=1)
        ana.send("is the job remote?")
        ana.send("can you fix my ps5 controller?")
        await fake.wait_for_messages(ana.id, 2, timeout=20)
        # The fake holds a message before the bot's call returns and is timed: poll for it.
        send_count = ("hirebot_send_latency_seconds_count", (("method", "sendMessage"),))
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            after = await metrics(client)
            timed = after.get(send_count, 0.0) - before.get(send_count, 0.0)
            if timed >= 2 or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.02)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("hirebot_updates_total", type="message") == 2
    assert delta("hirebot_replies_total", outcome="answer", lang="en") == 1
    assert delta("hirebot_replies_total", outcome="fallback", lang="en") == 1
    assert delta("hirebot_reply_latency_seconds_count") == 2
    assert delta("hirebot_telegram_errors_total", kind="retry_after") == 1
    assert ("hirebot_store_queue_depth", ()) in after
    # Both replies timed; the one behind a 429 (retry_after=1) took at least that second.
    assert delta("hirebot_send_latency_seconds_count", method="sendMessage") == 2
    assert delta("hirebot_send_latency_seconds_sum", method="sendMessage") >= 1.0
    assert delta("hirebot_send_latency_seconds_bucket", method="sendMessage", le="0.5") <= 1
    assert after[("hirebot_last_update_received_timestamp_seconds", ())] >= sent_at
    # The process and GC series an on-call engineer alerts on.
    assert after[("process_resident_memory_bytes", ())] > 10 * 2**20
    assert after[("process_open_fds", ())] > 0
    assert ("python_gc_objects_uncollectable_total", (("generation", "2"),)) in after
    assert not any("chat" in dict(labels) or "user" in dict(labels) for _, labels in after)


def before_version(samples: dict) -> str:
    return next(dict(labels)["version"] for name, labels in samples if name == "hirebot_build_info")


async def test_a_stalled_event_loop_turns_healthz_to_503(start_bot: StartBot):
    bot = await start_bot(BOT_LIVENESS_TIMEOUT=0.5)
    url = f"http://127.0.0.1:{bot.ops.port}/healthz"
    seen: dict[str, httpx.Response] = {}

    def probe() -> None:  # from another thread, as the kubelet would
        time.sleep(1.0)
        seen["stalled"] = httpx.get(url, timeout=5)

    prober = threading.Thread(target=probe)
    prober.start()
    time.sleep(1.5)  # a handler blocking the loop, say
    prober.join()
    assert seen["stalled"].status_code == 503
    assert seen["stalled"].json()["heartbeat_age_s"] >= 0.5
    deadline = asyncio.get_running_loop().time() + 5
    async with httpx.AsyncClient() as client:
        while (await client.get(url)).status_code != 200:  # the loop beats again
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.1)
