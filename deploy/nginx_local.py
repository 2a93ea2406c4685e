"""A runnable nginx configuration for local runs (the tests, ``benchmarks/soak.py``): the
repository's ``nginx-inventory.conf`` as deployed, pointed at local gunicorn ports, inside a
main config whose pid, logs and temporary files live in a directory of its own."""

from pathlib import Path

SITE_CONFIG = Path(__file__).resolve().parent / "nginx-inventory.conf"
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def nginx_config(directory: Path, *, port: int, upstreams: list[int]) -> Path:
    """Write the config into ``directory``: listening on ``port`` (loopback), proxying to
    the gunicorn ``upstreams`` ports. Returns the main config's path (``nginx -c``)."""
    site = SITE_CONFIG.read_text()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    servers = "".join(f"server 127.0.0.1:{upstream};\n    " for upstream in upstreams)
    site = site.replace("server 127.0.0.1:8000;   # one line per gunicorn node\n    ", servers)
    (directory / "site.conf").write_text(site)
    temp_paths = []
    for name in TEMP_PATHS:
        path = directory / name
        path.mkdir(exist_ok=True)
        path.chmod(0o777)  # nginx's workers run as nobody
        temp_paths.append(f"    {name}_temp_path {path};")
    main = "\n".join(
        [
            f"pid {directory}/nginx.pid;",
            f"error_log {directory}/error.log;",
            "worker_processes 1;",
            "events { worker_connections 512; }",
            "http {",
            "    access_log off;",
            *temp_paths,
            f"    include {directory}/site.conf;",
            "}",
        ]
    )
    (directory / "nginx.conf").write_text(main + "\n")
    return directory / "nginx.conf"
