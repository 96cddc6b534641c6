"""Admin work from the command line: networks, coordinators and the audit trail.

    python -m bot network add NAME | network list | network rename NETWORK NAME
    python -m bot coordinator add NETWORK TELEGRAM_ID | coordinator remove NETWORK TELEGRAM_ID
    python -m bot audit [--limit N]

NETWORK is a network's id or its exact name. Changes are recorded in the audit trail with no
actor (the command line).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli_common import bounded_int
from bot.config import Settings
from storage.db import create_engine, create_session_factory
from storage.repositories import audit, networks

EXIT_BAD_INPUT = 1
AUDIT_MAX = 100_000


def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[int]]) -> int:
    from bot.cli import migrate

    migrate(settings)

    async def main() -> int:
        engine = create_engine(settings.database_url)
        try:
            async with create_session_factory(engine).begin() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _telegram_id(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 2**63 else None


def cmd_network_add(args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> int:
        try:
            network = await networks.add_network(session, args.name)
        except networks.NetworkNameError as exc:
            return _name_problem(str(exc), args.name)
        audit.record(session, None, "network_add", "network", network.id, name=network.name)
        print(f"Network added: #{network.id} {network.name}")
        return 0

    return _run(settings, work)


def cmd_network_rename(args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> int:
        network = await networks.find_network(session, args.network)
        if network is None:
            return _no_network(args.network)
        try:
            old = await networks.rename_network(session, network, args.name)
        except networks.NetworkNameError as exc:
            return _name_problem(str(exc), args.name)
        audit.record(session, None, "network_rename", "network", network.id, old=old, new=network.name)
        print(f"Network #{network.id} renamed: {old} -> {network.name}")
        return 0

    return _run(settings, work)


def cmd_network_list(_args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> int:
        found = await networks.list_networks(session)
        coordinators = await networks.coordinators_by_network(session)
        if not found:
            print("No networks yet. Add one with: python -m bot network add NAME")
            return 0
        for network in found:
            ids = ", ".join(map(str, coordinators.get(network.id, []))) or "none"
            print(f"#{network.id}  {network.name}  (coordinators: {ids})")
        return 0

    return _run(settings, work)


def cmd_coordinator(args: argparse.Namespace, settings: Settings) -> int:
    user_id = _telegram_id(args.telegram_id)
    if user_id is None:
        print(f"TELEGRAM_ID must be a positive number, got '{args.telegram_id}'")
        return EXIT_BAD_INPUT

    async def work(session: AsyncSession) -> int:
        network = await networks.find_network(session, args.network)
        if network is None:
            return _no_network(args.network)
        if args.coordinator_action == "add":
            changed = await networks.add_coordinator(session, network.id, user_id, added_by=None)
            message = "is now a coordinator of" if changed else "was already a coordinator of"
        else:
            changed = await networks.remove_coordinator(session, network.id, user_id)
            message = "is no longer a coordinator of" if changed else "was not a coordinator of"
        if changed:
            audit.record(session, None, f"coordinator_{args.coordinator_action}", "network", network.id, user=user_id)
        print(f"{user_id} {message} #{network.id} {network.name}")
        return 0

    return _run(settings, work)


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> int:
        entries = await audit.latest(session, args.limit)
        if not entries:
            print("The audit trail is empty.")
        for entry in entries:
            print(audit.format_entry(entry, settings.timezone))
        return 0

    return _run(settings, work)


def _no_network(text: str) -> int:
    print(f"No network '{text}'. See: python -m bot network list")
    return EXIT_BAD_INPUT


def _name_problem(problem: str, name: str) -> int:
    reasons = {
        "empty": "the name is empty",
        "too long": f"the name is longer than {networks.NETWORK_NAME_MAX} characters",
        "taken": f"a network named '{name.strip()}' already exists",
    }
    print(f"Cannot save network: {reasons.get(problem, problem)}")
    return EXIT_BAD_INPUT


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    network = subparsers.add_parser("network", help="add, rename or list networks")
    network_actions = network.add_subparsers(title="actions", metavar="ACTION", required=True)
    add = network_actions.add_parser("add", help="add a network")
    add.add_argument("name", metavar="NAME")
    add.set_defaults(func=cmd_network_add, needs_token=False)
    rename = network_actions.add_parser("rename", help="rename a network")
    rename.add_argument("network", metavar="NETWORK", help="id or name")
    rename.add_argument("name", metavar="NAME")
    rename.set_defaults(func=cmd_network_rename, needs_token=False)
    listing = network_actions.add_parser("list", help="list networks and their coordinators")
    listing.set_defaults(func=cmd_network_list, needs_token=False, read_only=True)

    coordinator = subparsers.add_parser("coordinator", help="add or remove a network coordinator")
    coordinator_actions = coordinator.add_subparsers(title="actions", metavar="ACTION", required=True, dest="coordinator_action")
    for action, text in (("add", "make someone a coordinator"), ("remove", "remove a coordinator")):
        parser = coordinator_actions.add_parser(action, help=text)
        parser.add_argument("network", metavar="NETWORK", help="id or name")
        parser.add_argument("telegram_id", metavar="TELEGRAM_ID")
        parser.set_defaults(func=cmd_coordinator, needs_token=False)

    trail = subparsers.add_parser("audit", help="print the latest audit trail entries")
    trail.add_argument("--limit", type=bounded_int(1, AUDIT_MAX), default=20, metavar="N", help=f"how many entries, 1-{AUDIT_MAX} (default 20)")
    trail.set_defaults(func=cmd_audit, needs_token=False, read_only=True)
