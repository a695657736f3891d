"""Bench commands of the app.

bench --site SITE order-clerk-generate --orders 200000 --lines 1000000
bench --site SITE order-clerk-benchmark
bench --site SITE order-clerk-capture-eval --corpus DIR
bench --site SITE order-clerk-rebuild-rollup
bench --site SITE order-clerk-load --orders 2000 --clients 20
"""

import click
from frappe.commands import get_site, pass_context


def _connect(context):
	import frappe

	frappe.init(site=get_site(context))
	frappe.connect()
	frappe.set_user("Administrator")
	return frappe


@click.command("order-clerk-generate", help="Fill the site with realistic orders for benchmarks.")
@click.option("--orders", default=200_000, show_default=True, help="Number of orders.")
@click.option(
	"--lines", default=1_000_000, show_default=True, help="Number of order lines, all orders together."
)
@click.option("--years", default=2, show_default=True, help="Spread the order dates over this many years.")
@click.option("--seed", type=int, help="Random seed, for the same data again.")
@pass_context
def generate(context, orders, lines, years, seed):
	frappe = _connect(context)
	try:
		from order_clerk.scale.generator import generate as generate_orders

		try:
			generate_orders(orders, lines, years=years, seed=seed, echo=click.echo)
		except ValueError as e:
			raise click.UsageError(str(e)) from e
		frappe.db.commit()  # a bench command: no request commits for it
	finally:
		frappe.destroy()


@click.command(
	"order-clerk-benchmark", help="Time the sales reports and the Excel import on the site's data."
)
@click.option(
	"--import-lines", default=10_000, show_default=True, help="Lines in the Excel import timed; 0 skips it."
)
@click.option("--repeat", default=3, show_default=True, help="Runs per measurement; the best one counts.")
@click.option(
	"--orders",
	default=0,
	show_default=True,
	help="Generate this many orders first, dated up to 2000-12-31, and time on them; rolled back after.",
)
@click.option("--lines", default=0, show_default=True, help="Order lines of the generated orders.")
@click.option(
	"--rest-requests", default=100, show_default=True, help="Requests per REST intake case; 0 skips it."
)
@click.option("--url", help="REST intake against this server; by default one is started on 127.0.0.1.")
@click.option("--reports", default="", help="Only the report cases whose name contains this text.")
@pass_context
def benchmark(context, import_lines, repeat, orders, lines, rest_requests, url, reports):
	frappe = _connect(context)
	try:
		from order_clerk.scale import intake_bench
		from order_clerk.scale.benchmark import GENERATED_UNTIL, run
		from order_clerk.scale.generator import generate as generate_orders

		if rest_requests:
			# First: it commits its clerk and masters, before anything below is generated.
			intake_bench.run(rest_requests, url, echo=click.echo)
		last_day = None
		if orders:
			# Inside the benchmark's transaction and long before any real order: other users of
			# the site neither see these orders nor wait for the rows they lock.
			try:
				generate_orders(
					orders,
					lines or orders * 5,
					seed=1,
					echo=click.echo,
					until=GENERATED_UNTIL,
					commit_masters=True,
				)
			except ValueError as e:
				raise click.UsageError(str(e)) from e
			last_day = GENERATED_UNTIL
		run(import_lines=import_lines, repeat=repeat, echo=click.echo, last_day=last_day, reports=reports)
	finally:
		frappe.db.rollback()
		frappe.destroy()


@click.command("order-clerk-rebuild-rollup", help="Recompute the sales rollup from the approved orders.")
@pass_context
def rebuild_rollup(context):
	frappe = _connect(context)
	try:
		from order_clerk.sales_rollup import rebuild

		rebuild(echo=click.echo)
		frappe.db.commit()  # a bench command: no request commits for it
	finally:
		frappe.destroy()


@click.command(
	"order-clerk-capture-eval",
	help="Feed a corpus of customers' documents through order capture and score it against its keys.",
)
@click.option(
	"--corpus", required=True, type=click.Path(exists=True, file_okay=False), help="The corpus folder."
)
@pass_context
def capture_eval(context, corpus):
	frappe = _connect(context)
	try:
		from order_clerk.capture.evaluation import evaluate

		figures = evaluate(corpus, echo=click.echo)
	finally:
		frappe.destroy()
	if figures["false_touchless"]:
		raise click.ClickException(
			f"{figures['false_touchless']} document(s) were converted without a person with a wrong value."
		)


@click.command(
	"order-clerk-load",
	help="Send a burst of 10-line orders through REST; report latency, errors and duplicates.",
)
@click.option("--orders", default=2_000, show_default=True, help="Orders in the burst.")
@click.option("--clients", default=20, show_default=True, help="Clients sending at once.")
@click.option("--url", help="Send to this server; by default one is started on 127.0.0.1.")
@click.option("--workers", default=4, show_default=True, help="Workers of the server started.")
@pass_context
def load(context, orders, clients, url, workers):
	frappe = _connect(context)
	try:
		from order_clerk.scale.load import run as run_load

		figures = run_load(orders, clients, url, echo=click.echo, workers=workers)
	finally:
		frappe.destroy()
	if figures["error_count"] or figures["duplicates"] or figures["missing"]:
		raise click.ClickException("The burst had errors, duplicates or lost orders.")


commands = [generate, benchmark, rebuild_rollup, capture_eval, load]
