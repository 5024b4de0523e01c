"""Pieces of a synthetic portal: code blocks, tables, runbooks, roles, quizzes and an OpenAPI spec.

Quizzes copy the structure of ``quizzes/*/certification.yml`` (every question type, a pool,
``teaches`` links to real section anchors); the spec has ten operations per tag with shared
``$ref`` parameters, nested schemas, request bodies and examples.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from bench.text import Words, slug

TODAY = dt.date(2026, 6, 1)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data: Any) -> str:
    """YAML as an author would write it: keys in order, long lines kept."""
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1000)


def code_block(words: Words, topic: list[str]) -> str:
    """A console session of a few commands and their output."""
    rng, lines = words.rng, []
    for _ in range(rng.randint(2, 4)):
        lines.append(f"$ lc-{rng.choice(topic)} {words.common(1)[0]} --{rng.choice(topic)} {rng.randint(1, 999)}")
        lines.append(f"{words.common(1)[0].upper()} {rng.randint(100, 99999)} {' '.join(words.common(3))}")
    return "```console\n" + "\n".join(lines) + "\n```"


def table(words: Words, topic: list[str]) -> str:
    """A small table of values and explanations."""
    rng = words.rng
    cols = rng.randint(3, 4)
    header = [w.capitalize() for w in words.common(cols)]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * cols]
    for _ in range(rng.randint(3, 5)):
        cells = [f"`{rng.choice(topic).upper()}-{rng.randint(100, 999)}`"] + [" ".join(words.common(rng.randint(1, 4))) for _ in range(cols - 1)]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def runbook_stub(words: Words, role_ids: list[str], index: int) -> dict[str, Any]:
    """A complete runbook except ``related_articles`` (set once articles exist)."""
    rng, topic = words.rng, words.rare(6)
    title = words.title(topic, 3, 6)
    steps = []
    for _ in range(rng.randint(3, 8)):
        step = {"action": words.sentence(topic, 5, 12), "expected": words.sentence(topic, 4, 10)}
        if rng.random() < 0.7:
            step["command"] = f"sudo lc-{rng.choice(topic)} {words.common(1)[0]} --{rng.choice(topic)} {rng.randint(1, 99)}\n"
        if rng.random() < 0.5:
            step["if_fails"] = words.sentence(topic, 6, 14)
        steps.append(step)
    return {
        "id": f"{slug(title)[:50].strip('-')}-rb{index}", "title": title, "service": f"lc-{topic[0]}",
        "trigger": words.sentence(topic), "severity": rng.choice(["SEV1", "SEV2", "SEV3", "SEV4"]),
        "owner": "Platform team", "roles": rng.sample(role_ids, rng.choice((1, 2))),
        "last_reviewed": (TODAY - dt.timedelta(days=rng.randint(20, 70))).isoformat(), "review_interval_days": 90,
        "summary": words.paragraph(topic, (1, 2)), "preconditions": [words.sentence(topic, 6, 10) for _ in range(rng.randint(1, 3))],
        "steps": steps, "verification": [words.sentence(topic, 6, 12) for _ in range(rng.randint(1, 3))],
        "rollback": [{"action": words.sentence(topic, 6, 12), "command": f"sudo lc-{topic[1]} undo\n"}],
        "escalation": [{"tier": t, "who": f"Tier {t} on call", "contact": f"ext. {4400 + t}", "when": words.sentence(topic, 4, 8)} for t in (1, 2, 3)],
    }


def role(words: Words, ident: dict[str, str], articles: list[Any], runbooks: list[dict[str, Any]]) -> dict[str, Any]:
    """A role with tasks and a learning path over its own articles and runbooks."""
    rng, topic = words.rng, words.rare(5)
    tasks = []
    for _ in range(rng.randint(4, 7)):
        task = {"title": words.title(topic, 2, 5), "description": words.sentence(topic),
                "articles": [a.id for a in rng.sample(articles, min(2, len(articles)))]}
        if runbooks and rng.random() < 0.5:
            task["runbooks"] = [rng.choice(runbooks)["id"]]
        tasks.append(task)
    path: list[dict[str, str]] = [{"article": a.id} for a in rng.sample(articles, min(7, len(articles)))]
    path[min(3, len(path) - 1)]["note"] = words.sentence(topic, 6, 12)
    path.append({"assessment": f"{ident['id']}-certification", "note": "Pass mark 80 %."})
    return {"id": ident["id"], "title": ident["title"], "summary": words.sentence(topic, 12, 24),
            "responsibilities": [words.sentence(topic, 6, 14) for _ in range(rng.randint(4, 7))],
            "tasks": tasks, "learning_path": path, "certifications": [f"{ident['title']} qualification"]}


def quiz(words: Words, ident: dict[str, str], articles: list[Any]) -> str:
    """A certification quiz in the real format, with a leading comment like the real files."""
    rng = words.rng
    covered = rng.sample(articles, min(5, len(articles)))
    questions: list[Any] = [_question(words, kind, i, rng.choice(covered)) for i, kind in enumerate(QUESTION_KINDS * 2)]
    pool = [_question(words, kind, 100 + i, rng.choice(covered)) for i, kind in enumerate(("short", "numeric", "single", "true-false"))]
    questions.append({"pool": "faq-pool", "draw": 2, "questions": pool})
    data = {
        "id": f"{ident['id']}-certification", "title": f"{ident['title']} certification", "role": ident["id"],
        "description": words.paragraph(covered[0].topic, (2, 3)),
        "covers": [{"article": a.id, "section": a.anchors[0]} if a.anchors else {"article": a.id} for a in covered],
        "pass_mark": 80, "time_limit_minutes": 25, "attempts_allowed": 3, "retake_wait_hours": 24,
        "review": "answers", "late_policy": "grade",
        "certification": {"name": ident["title"], "validity_days": 365, "role": ident["id"]},
        "questions": questions,
    }
    return f"# Certification for {ident['title'].lower()}: synthetic.\n" + dump(data)


QUESTION_KINDS = ("single", "multiple", "matching", "numeric", "true-false", "ordering", "short")


def _question(words: Words, kind: str, index: int, article: Any) -> dict[str, Any]:
    rng, topic = words.rng, article.topic
    q: dict[str, Any] = {"id": f"q{index}-{kind}", "type": kind, "prompt": words.sentence(topic)[:-1] + "?"}
    if kind in ("single", "multiple"):
        n_right = 1 if kind == "single" else 2
        q["options"] = [{"id": f"o{k}", "text": words.sentence(topic, 3, 7), **({"correct": True} if k < n_right else {}),
                         **({"feedback": words.sentence(topic, 5, 10)} if k >= n_right else {})} for k in range(4)]
        if kind == "multiple":
            q["scoring"] = "partial"
    elif kind == "matching":
        q["pairs"] = [{"left": f"`{w.upper()}`", "right": f"Within {k * 5 + 1} minutes"} for k, w in enumerate(rng.sample(topic, 4))]
    elif kind == "numeric":
        q.update(answer=rng.randint(1, 60), tolerance=rng.choice((0, 0.5)))
    elif kind == "true-false":
        q.update(answer=rng.random() < 0.5, feedback_true=words.sentence(topic, 5, 9), feedback_false=words.sentence(topic, 5, 9))
    elif kind == "ordering":
        q["items"] = [f"Step {k}: {words.sentence(topic, 3, 6)}" for k in range(1, 5)]
    else:
        code = f"{topic[0].upper()}-{rng.randint(100, 999)}"
        q["accept"] = [code, code.replace("-", " "), code.replace("-", "")]
    q["explanation"] = words.sentence(topic)
    q["teaches"] = {"article": article.id, "section": article.anchors[-1]} if article.anchors else {"article": article.id}
    return q


def openapi(words: Words, tags: int) -> dict[str, Any]:
    """An OpenAPI 3.1 spec with ``tags`` tags of ten operations each."""
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Synthetic control API", "version": "1.0.0", "description": words.paragraph(words.rare(5), (3, 5))},
        "servers": [{"url": "https://api.example.internal/v1", "description": "Production"}],
        "security": [{"bearerAuth": []}],
        "tags": [], "paths": {},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "A JWT access token."}},
            "parameters": {"limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 50}, "description": "Page size."},
                           "cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "The next_cursor of the previous page."}},
            "schemas": {"Error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string", "example": "not_found"}, "message": {"type": "string"}}}},
        },
    }
    used: set[str] = set()
    for _ in range(tags):
        _resource(words, spec, _fresh(words, used))
    return spec


def _fresh(words: Words, used: set[str]) -> str:
    name = words.rare(1)[0]
    while name in used:
        name = words.rare(1)[0]
    used.add(name)
    return name


def _resource(words: Words, spec: dict[str, Any], name: str) -> None:
    topic = [name] + words.rare(4)
    tag, schema = name.capitalize() + "s", name.capitalize()
    ref = {"$ref": f"#/components/schemas/{schema}"}
    err = {"description": "Problem", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    fields = {w: {"type": words.rng.choice(["string", "integer", "number", "boolean"]), "description": words.sentence(topic, 4, 8)} for w in topic[1:]}
    spec["components"]["schemas"][schema] = {"type": "object", "required": ["id"], "properties": {
        "id": {"type": "string", "example": f"{name}-1"}, **fields, "parts": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}Part"}}}}
    spec["components"]["schemas"][f"{schema}Part"] = {"type": "object", "properties": {"serial": {"type": "string"}, "state": {"type": "string", "enum": ["ok", "held", "scrap"]}}}
    spec["tags"].append({"name": tag, "description": words.sentence(topic)})
    ok = lambda s: {"200": {"description": "OK", "content": {"application/json": {"schema": s}}}, "404": err}  # noqa: E731
    base, item = f"/{name}s", f"/{name}s/{{{name}_id}}"
    pid = [{"name": f"{name}_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    body = {"required": True, "content": {"application/json": {"schema": ref}}}
    ops = {
        (base, "get"): {"parameters": [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}], "responses": ok({"type": "array", "items": ref})},
        (base, "post"): {"requestBody": body, "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": ref}}}, "422": err}},
        (item, "get"): {"parameters": pid, "responses": ok(ref)}, (item, "put"): {"parameters": pid, "requestBody": body, "responses": ok(ref)},
        (item, "patch"): {"parameters": pid, "requestBody": body, "responses": ok(ref)}, (item, "delete"): {"parameters": pid, "responses": {"204": {"description": "Deleted"}, "404": err}},
    }
    for action in ("start", "stop", "hold", "release"):
        ops[(f"{item}/{action}", "post")] = {"parameters": pid, "responses": ok(ref)}
    for (path, method), op in ops.items():
        op.update(operationId=f"{method}-{slug(path)}", summary=words.sentence(topic, 3, 7), description=words.paragraph(topic, (1, 2)), tags=[tag])
        spec["paths"].setdefault(path, {})[method] = op
