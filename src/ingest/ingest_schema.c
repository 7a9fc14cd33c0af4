/*
 * ingest_schema.c - the tables ingest/ owns, and their migrations:
 * what the importers fill: usage imports and their columnar blocks and
 * dictionaries, identities, seats, team memberships, shared workflows,
 * org-level daily counts, customer journeys and outcomes, process event logs.
 *
 * Only ingest/ holds SQL naming these tables; other layers call its
 * functions (docs/architecture.md, "Who owns which table";
 * tools/check-sql enforces it).  Append only: a released migration is never
 * edited, a change is a new version, unique across every layer's schema
 * (store.h).  Versions that also have parts in other layers (one
 * migrations.c held every table until December 2026) run with those parts
 * in one transaction, in layer order, which keeps an old workspace's schema
 * text identical to a new one's.
 */
#include "ingest/logstore.h"
#include "ingest/usage.h"
#include "ingest/usage_activity.h"
#include "ingest/usage_seat_spans.h"
#include "store/store.h"

static const struct store_migration ingest_migrations[] = {
	{ 2, "event logs (columnar, chunked)",
	  "CREATE TABLE event_logs(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	  " format TEXT NOT NULL, source TEXT NOT NULL, content_hash TEXT NOT NULL,"
	  " cases INTEGER NOT NULL, events INTEGER NOT NULL, activities INTEGER NOT NULL,"
	  " out_of_order INTEGER NOT NULL, first_time TEXT NOT NULL, last_time TEXT NOT NULL,"
	  " imported_at TEXT NOT NULL, ledger_seq INTEGER NOT NULL);"
	  "CREATE TABLE event_log_columns(log_id INTEGER NOT NULL REFERENCES event_logs(id),"
	  " name TEXT NOT NULL, chunk INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(log_id,"
	  " name, chunk));", NULL },
	{ 5, "usage events, imports, identities, seats, journeys",
	  "CREATE TABLE usage_imports("
	  " id INTEGER PRIMARY KEY,"
	  " kind TEXT NOT NULL,"
	  " format TEXT NOT NULL,"
	  " source TEXT NOT NULL,"
	  " rows INTEGER NOT NULL,"
	  " content_hash TEXT NOT NULL UNIQUE,"
	  " ledger_seq INTEGER NOT NULL,"
	  " imported_at TEXT NOT NULL);"
	  "CREATE TABLE usage_events("
	  " import_id INTEGER NOT NULL,"
	  " person TEXT,"
	  " identity TEXT NOT NULL,"
	  " time_us INTEGER NOT NULL,"
	  " day INTEGER NOT NULL,"
	  " tool TEXT NOT NULL,"
	  " feature TEXT NOT NULL,"
	  " workflow TEXT NOT NULL,"
	  " count INTEGER NOT NULL);"
	  "CREATE INDEX usage_events_key ON usage_events(identity, day, tool, feature);"
	  "CREATE TABLE usage_unmatched("
	  " import_id INTEGER NOT NULL,"
	  " identity TEXT NOT NULL,"
	  " rows INTEGER NOT NULL,"
	  " PRIMARY KEY(import_id, identity));"
	  "CREATE TABLE usage_seats("
	  " import_id INTEGER NOT NULL,"
	  " person TEXT,"
	  " identity TEXT NOT NULL,"
	  " tool TEXT NOT NULL,"
	  " day INTEGER NOT NULL);"
	  "CREATE TABLE usage_team_members("
	  " import_id INTEGER NOT NULL,"
	  " person TEXT,"
	  " identity TEXT NOT NULL,"
	  " team TEXT NOT NULL,"
	  " day INTEGER NOT NULL);"
	  "CREATE TABLE usage_workflows("
	  " import_id INTEGER NOT NULL,"
	  " tool TEXT NOT NULL,"
	  " workflow TEXT NOT NULL,"
	  " title TEXT NOT NULL,"
	  " creator TEXT,"
	  " creator_identity TEXT NOT NULL,"
	  " day INTEGER NOT NULL);"
	  "CREATE TABLE usage_org_daily("
	  " import_id INTEGER NOT NULL,"
	  " tool TEXT NOT NULL,"
	  " day INTEGER NOT NULL,"
	  " active_users INTEGER NOT NULL,"
	  " engaged_users INTEGER NOT NULL,"
	  " PRIMARY KEY(import_id, tool, day));"
	  "CREATE TABLE identities("
	  " kind TEXT NOT NULL,"
	  " value TEXT NOT NULL,"
	  " person TEXT NOT NULL,"
	  " source TEXT NOT NULL,"
	  " PRIMARY KEY(kind, value));"
	  "CREATE TABLE journey_events("
	  " import_id INTEGER NOT NULL,"
	  " journey TEXT NOT NULL,"
	  " customer TEXT NOT NULL,"
	  " channel TEXT NOT NULL,"
	  " time_us INTEGER NOT NULL,"
	  " turn INTEGER NOT NULL,"
	  " intent_qualified INTEGER NOT NULL,"
	  " committed INTEGER NOT NULL,"
	  " order_value REAL NOT NULL);"
	  "CREATE TABLE customer_outcomes("
	  " import_id INTEGER NOT NULL,"
	  " customer TEXT NOT NULL,"
	  " retained_30d INTEGER,"
	  " retained_90d INTEGER,"
	  " upsell INTEGER,"
	  " revenue REAL,"
	  " referrals INTEGER);", NULL },
	{ 9, "usage events as columnar blocks, identity and string dictionaries",
	  "CREATE TABLE usage_identities(id INTEGER PRIMARY KEY, identity TEXT NOT NULL UNIQUE,"
	  " person TEXT);"
	  "CREATE TABLE usage_strings(id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);"
	  "CREATE TABLE usage_blocks(import_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	  " n INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(import_id, seq));", NULL },
	{ 10, "usage seats by person, so the licensed people are read from an index",
	  "CREATE INDEX usage_seats_person ON usage_seats(person);", NULL },
	{ 12, "import rows by import, so each import's rows are read (and digested) alone",
	  "CREATE INDEX usage_seats_import ON usage_seats(import_id);"
	  "CREATE INDEX usage_team_members_import ON usage_team_members(import_id);"
	  "CREATE INDEX usage_workflows_import ON usage_workflows(import_id);"
	  "CREATE INDEX journey_events_import ON journey_events(import_id);"
	  "CREATE INDEX customer_outcomes_import ON customer_outcomes(import_id);", NULL },
	{ USAGE_TOKENS_VERSION, "token counts of OpenTelemetry GenAI spans, per span (issue 19: the cost of tokens)",
	  "CREATE TABLE usage_tokens("
	  " import_id INTEGER NOT NULL,"
	  " person TEXT,"
	  " identity TEXT NOT NULL,"
	  " tool TEXT NOT NULL,"
	  " model TEXT NOT NULL,"
	  " day INTEGER NOT NULL,"
	  " input_tokens INTEGER NOT NULL,"
	  " output_tokens INTEGER NOT NULL);"
	  "CREATE INDEX usage_tokens_import ON usage_tokens(import_id);", NULL },
	{ USAGE_ACTIVITY_VERSION, "monthly activity rollup per import, identity and tool"
	  " (issue 19: cost and value read it instead of every usage event)",
	  "CREATE TABLE usage_activity("
	  " import_id INTEGER NOT NULL,"
	  " identity INTEGER NOT NULL,"
	  " tool INTEGER NOT NULL,"
	  " month INTEGER NOT NULL,"
	  " day_mask INTEGER NOT NULL,"
	  " events INTEGER NOT NULL,"
	  " actions INTEGER NOT NULL,"
	  " PRIMARY KEY(import_id, identity, tool, month));", NULL },
	{ USAGE_SEAT_SPANS_VERSION, "seat span per identity and tool, token days indexed (issue 19:"
	  " cost reads one row per seat instead of every snapshot's seat rows, and the token"
	  " days without a sort)",
	  "CREATE TABLE usage_seat_spans("
	  " identity TEXT NOT NULL,"
	  " tool TEXT NOT NULL,"
	  " person TEXT,"
	  " first_day INTEGER NOT NULL,"
	  " PRIMARY KEY(identity, tool));"
	  "INSERT INTO usage_seat_spans(identity, tool, person, first_day)"
	  " SELECT identity, tool, MAX(person), MIN(day) FROM usage_seats GROUP BY identity, tool;"
	  /* the token days in GROUP BY order, covering: no sort, no table read */
	  "CREATE INDEX usage_tokens_day ON usage_tokens(identity, tool, model, day, person,"
	  " input_tokens, output_tokens);",
	  NULL },
	{ EVENT_LOG_FIGURES_VERSION, "figures kept with an event log by its import, keyed by its"
	  " content (issue 20: process stats after import cases reads them instead of reloading"
	  " the log)",
	  "CREATE TABLE event_log_figures("
	  " log_id INTEGER NOT NULL REFERENCES event_logs(id),"
	  " form TEXT NOT NULL,"
	  " content_hash TEXT NOT NULL,"
	  " body TEXT NOT NULL,"
	  " PRIMARY KEY(log_id, form));",
	  NULL },
};

const struct store_schema ingest_tables = {
	"ingest", ingest_migrations, STORE_SCHEMA_COUNT(ingest_migrations)
};
