/*
 * control_schema.c - the tables control/ owns, and their migrations:
 * model 5, agent control: agents, workflows and their steps, Cedar
 * policies, the exception queue, the decision log, imported tool calls.
 *
 * Only control/ holds SQL naming these tables; other layers call its
 * functions (docs/architecture.md, "Who owns which table";
 * tools/check-sql enforces it).  Append only: a released migration is never
 * edited, a change is a new version, unique across every layer's schema
 * (store.h).  Versions that also have parts in other layers (one
 * migrations.c held every table until December 2026) run with those parts
 * in one transaction, in layer order, which keeps an old workspace's schema
 * text identical to a new one's.
 */
#include "store/store.h"

static const struct store_migration control_migrations[] = {
	{ 4, "agent control: agents, workflows, policies, exceptions, decision log",
	  "CREATE TABLE agents("
	  " name TEXT PRIMARY KEY,"
	  " owner TEXT NOT NULL REFERENCES people(name) DEFERRABLE INITIALLY DEFERRED,"
	  " workflow TEXT NOT NULL REFERENCES workflows(name) DEFERRABLE INITIALLY DEFERRED,"
	  " description TEXT);"
	  "CREATE TABLE workflows("
	  " name TEXT PRIMARY KEY,"
	  " owner TEXT NOT NULL REFERENCES people(name) DEFERRABLE INITIALLY DEFERRED,"
	  " autonomy TEXT NOT NULL);"
	  "CREATE TABLE workflow_steps("
	  " workflow TEXT NOT NULL REFERENCES workflows(name) DEFERRABLE INITIALLY DEFERRED,"
	  " position INTEGER NOT NULL,"
	  " name TEXT NOT NULL,"
	  " owner_kind TEXT NOT NULL,"
	  " owner TEXT NOT NULL,"
	  " PRIMARY KEY(workflow, name));"
	  "CREATE TABLE step_agents("
	  " workflow TEXT NOT NULL,"
	  " step TEXT NOT NULL,"
	  " agent TEXT NOT NULL,"
	  " PRIMARY KEY(workflow, step, agent));"
	  "CREATE INDEX step_agents_agent ON step_agents(agent);"
	  "CREATE TABLE policies("
	  " name TEXT PRIMARY KEY,"
	  " cedar TEXT NOT NULL,"
	  " resource_types TEXT NOT NULL);"
	  "CREATE TABLE exceptions("
	  " id TEXT PRIMARY KEY,"
	  " queue TEXT NOT NULL,"
	  " owner_kind TEXT NOT NULL,"
	  " owner TEXT NOT NULL,"
	  " state TEXT NOT NULL,"
	  " created_at TEXT NOT NULL,"
	  " due_at TEXT NOT NULL,"
	  " due_us INTEGER NOT NULL,"
	  " resolved_at TEXT,"
	  " workflow TEXT,"
	  " step TEXT,"
	  " agent TEXT NOT NULL,"
	  " on_behalf_of TEXT,"
	  " action TEXT NOT NULL,"
	  " resource TEXT NOT NULL,"
	  " request TEXT NOT NULL,"
	  " digest TEXT NOT NULL,"
	  " decision_id TEXT NOT NULL,"
	  " policies TEXT NOT NULL,"
	  " approver TEXT,"
	  " reason TEXT,"
	  " used_at TEXT,"
	  " used_decision TEXT);"
	  "CREATE INDEX exceptions_state ON exceptions(state, due_us);"
	  "CREATE TABLE decision_log("
	  " seq INTEGER PRIMARY KEY,"
	  " id TEXT NOT NULL UNIQUE,"
	  " kind TEXT NOT NULL,"
	  " time TEXT NOT NULL,"
	  " record TEXT NOT NULL,"
	  " digest TEXT NOT NULL,"
	  " batch_seq INTEGER,"
	  " agent TEXT,"
	  " action TEXT,"
	  " outcome TEXT,"
	  " time_us INTEGER);"
	  "CREATE INDEX decision_log_pending ON decision_log(batch_seq);"
	  "CREATE INDEX decision_log_agent ON decision_log(agent, action, time_us);"
	  "CREATE TABLE tool_calls("
	  " seq INTEGER PRIMARY KEY,"
	  " trace_id TEXT NOT NULL,"
	  " span_id TEXT NOT NULL,"
	  " time_us INTEGER NOT NULL,"
	  " time TEXT NOT NULL,"
	  " agent TEXT NOT NULL,"
	  " tool TEXT NOT NULL,"
	  " decision_id TEXT,"
	  " UNIQUE(trace_id, span_id));", NULL },
	/*
	 * decision_log_pending held every row, so every commit wrote a page of
	 * it (a WAL frame) though only the rows not yet chained are read by
	 * it (the flush, the snapshot); `decisions verify` reads a batch's
	 * rows in seq order.  A commit that chains its rows at once (every
	 * lone decision, every group commit) no longer touches it.
	 */
	{ 21, "decision log: the pending index holds the pending rows alone",
	  "DROP INDEX decision_log_pending;"
	  "CREATE INDEX decision_log_pending ON decision_log(seq) WHERE batch_seq IS NULL;", NULL },
};

const struct store_schema control_tables = {
	"control", control_migrations, STORE_SCHEMA_COUNT(control_migrations)
};
