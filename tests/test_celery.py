import subprocess

from referat.celery import health


class TestWorker:
    def test_a_real_worker_answers_the_health_task(
        self, celery_worker_process: subprocess.Popen[bytes]
    ) -> None:
        result = health.delay()
        assert result.get(timeout=30) == "ok"
