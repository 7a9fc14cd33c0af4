/*
 * demo_org.c - the fictional organisation: teams with industry-specific
 * names and roles, people with managers and champions, each person's AI
 * usage profile (the two-tier story lives here: one function's people
 * mostly try and stall while the rest of the organisation uses AI
 * habitually), initiatives, the identity map and the tool register.
 *
 * Files: org/users-N.json (a Graph /users export in pages) and
 * org/map.yaml, read by `import org`; org/initiatives.yaml,
 * usage/identities.csv, usage/register.yaml.
 */
#include <stdio.h>
#include <string.h>

#include "core/banned.h"
#include "demo/demo_int.h"

struct team_def {
	const char *name, *title, *function;
	int weight;
	const char *const *roles;
};

#define R(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const char *const exec_roles[] = { "Chief executive", "Executive", NULL };

static const struct team_def retail_teams[] = {
	{ "store-ops", "Store operations", "operations", 16, R("Store manager", "Sales associate", "Shift lead") },
	{ "fulfilment", "Fulfilment centre", "operations", 9, R("Fulfilment lead", "Picker", "Inventory controller") },
	{ "ecommerce", "E-commerce", "sales", 7, R("E-commerce lead", "Digital merchandiser", "Conversion analyst") },
	{ "merchandising", "Merchandising", "sales", 7, R("Head buyer", "Buyer", "Merchandise planner") },
	{ "customer-care", "Customer care", "customer_service", 12, R("Care team lead", "Care agent", "Returns specialist") },
	{ "brand-marketing", "Brand marketing", "marketing", 6, R("Marketing lead", "Content designer", "CRM manager") },
	{ "finance-ap", "Finance and accounts payable", "finance", 6, R("Finance lead", "AP clerk", "Finance analyst") },
	{ "platform-eng", "Platform engineering", "engineering", 9, R("Engineering manager", "Software engineer", "Data engineer") },
	{ "it-service", "IT service desk", "it", 5, R("IT lead", "IT support analyst") },
	{ "people-ops", "People operations", "hr", 4, R("HR lead", "HR partner", "Recruiter") },
	{ "legal-commercial", "Commercial legal", "legal", 3, R("General counsel", "Counsel") },
	{ "product-quality", "Product quality", "quality", 4, R("Quality lead", "Quality analyst") },
};

static const struct team_def insurance_teams[] = {
	{ "claims-motor", "Motor claims", "operations", 12, R("Claims team lead", "Claims handler", "Claims assessor") },
	{ "claims-property", "Property claims", "operations", 10, R("Claims team lead", "Claims handler", "Loss adjuster") },
	{ "underwriting", "Underwriting", "operations", 8, R("Head of underwriting", "Underwriter", "Pricing analyst") },
	{ "contact-centre", "Contact centre", "customer_service", 12, R("Contact centre lead", "Contact centre agent", "Complaints handler") },
	{ "broker-sales", "Broker and direct sales", "sales", 8, R("Sales lead", "Account executive", "Broker manager") },
	{ "marketing", "Marketing", "marketing", 5, R("Marketing lead", "Campaign manager", "Content designer") },
	{ "actuarial-finance", "Actuarial and finance", "finance", 7, R("Finance lead", "Actuary", "Finance analyst") },
	{ "digital-eng", "Digital engineering", "engineering", 9, R("Engineering manager", "Software engineer", "Data scientist") },
	{ "it-ops", "IT operations", "it", 5, R("IT lead", "IT support analyst") },
	{ "people", "People and culture", "hr", 4, R("HR lead", "HR partner", "Recruiter") },
	{ "legal-compliance", "Legal and compliance", "legal", 4, R("General counsel", "Counsel", "Compliance officer") },
	{ "claims-quality", "Claims quality assurance", "quality", 4, R("Quality lead", "Claims quality auditor") },
};

static const struct team_def manufacturing_teams[] = {
	{ "assembly", "Assembly plant", "operations", 16, R("Plant manager", "Line operator", "Shift supervisor") },
	{ "maintenance", "Maintenance", "operations", 7, R("Maintenance lead", "Maintenance technician") },
	{ "procurement", "Procurement", "operations", 6, R("Procurement lead", "Buyer", "Supplier manager") },
	{ "quality-assurance", "Quality assurance", "quality", 11, R("Quality manager", "Quality engineer", "Inspector") },
	{ "product-eng", "Product engineering", "engineering", 11, R("Engineering manager", "Design engineer", "Software engineer") },
	{ "industrial-sales", "Industrial sales", "sales", 7, R("Sales lead", "Account manager", "Sales engineer") },
	{ "aftersales", "Aftersales service", "customer_service", 6, R("Service lead", "Service agent", "Field technician") },
	{ "finance-ap", "Finance and accounts payable", "finance", 6, R("Finance lead", "AP clerk", "Controller") },
	{ "it-ot", "IT and OT", "it", 5, R("IT lead", "IT support analyst", "OT engineer") },
	{ "people", "People", "hr", 4, R("HR lead", "HR partner") },
	{ "legal", "Legal", "legal", 3, R("General counsel", "Counsel") },
	{ "marketing", "Marketing", "marketing", 4, R("Marketing lead", "Product marketer") },
};

static const char *const first_names[] = {
	"anna", "ben", "carla", "david", "elena", "farid", "grace", "hugo", "ines", "jonas",
	"kira", "liam", "maya", "noah", "olga", "pablo", "quinn", "rosa", "sami", "tara",
	"umar", "vera", "wei", "xenia", "yusuf", "zoe", "amir", "bianca", "chen", "dana",
	"emil", "fatima", "gustav", "hana", "ivan", "julia", "kofi", "lena", "marco", "nadia",
	"oscar", "priya", "rafael", "sofia", "tomas", "ulla", "viktor", "wanda", "yara", "zane",
	"aisha", "bruno", "chloe", "diego", "eva", "felix", "gita", "henrik", "isla", "jamal",
	"karin", "luca", "mei", "nils", "omar", "petra", "ravi", "sara", "theo", "uma",
	"aline", "boris", "celia", "dmitri", "esme", "filip", "greta", "hiro", "ida", "joao",
};
static const char *const last_names[] = {
	"berg", "costa", "dahl", "evans", "fischer", "garcia", "hansen", "ito", "jensen", "kowalski",
	"larsen", "meyer", "novak", "okafor", "petrov", "quist", "rossi", "silva", "tanaka", "urban",
	"vogel", "weber", "xu", "young", "zimmer", "alvarez", "baker", "chowdhury", "diaz", "eriksen",
	"ferreira", "gupta", "horvat", "iqbal", "jovanovic", "kim", "lopez", "mensah", "nguyen", "olsen",
	"park", "reyes", "schmidt", "torres", "varga", "wagner", "yilmaz", "zhang", "abbott", "brandt",
	"castro", "dubois", "engel", "fontaine", "gallo", "haas", "ivanova", "janssen", "keller", "lindqvist",
	"moreau", "nielsen", "ortiz", "pereira", "ricci", "santos", "tran", "vieira", "walsh", "adeyemi",
};

static void cap_copy(char *out, size_t n, const char *s)
{
	snprintf(out, n, "%s", s);
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

static const struct team_def *industry_teams(enum demo_industry ind, size_t *n)
{
	switch (ind) {
	case DEMO_RETAIL:
		*n = ARRAY_SIZE(retail_teams);
		return retail_teams;
	case DEMO_INSURANCE:
		*n = ARRAY_SIZE(insurance_teams);
		return insurance_teams;
	default:
		*n = ARRAY_SIZE(manufacturing_teams);
		return manufacturing_teams;
	}
}

/* Profile shares (never, stalled, occasional, habitual, power). */
static const double share_normal[5] = { 0.07, 0.11, 0.20, 0.48, 0.14 };
static const double share_stuck[5] = { 0.28, 0.55, 0.14, 0.01, 0.02 };

static unsigned char pick_profile(struct stats_rng *r, const double *share)
{
	double u = demo_unif(r), acc = 0;
	int k;

	for (k = 0; k < 4; k++) {
		acc += share[k];
		if (u < acc)
			return (unsigned char)k;
	}
	return PROF_POWER;
}

static void set_usage(struct demo *d, struct demo_person *p, int stuck)
{
	struct stats_rng *r = &d->rng;

	p->profile = pick_profile(r, stuck ? share_stuck : share_normal);
	p->rnd = (uint32_t)stats_rng_next(r);
	/* adoption starts over the first seven months, earlier for champions */
	p->start = (short)stats_rng_below(r, p->champion ? 60 : 210);
	p->stop = DEMO_DAYS - 1;
	if (p->profile == PROF_STALLED) {
		int len = 14 + (int)stats_rng_below(r, 60);
		p->stop = (short)(p->start + len);
		if (p->stop > DEMO_DAYS - 60)
			p->stop = DEMO_DAYS - 60 - (short)stats_rng_below(r, 30);
		if (p->stop < p->start)
			p->start = p->stop;
	}
	p->intensity = p->profile == PROF_POWER ? 9 + 6 * demo_unif(r)
		     : p->profile == PROF_HABITUAL ? 3 + 3 * demo_unif(r) : 1 + 2 * demo_unif(r);
}

void demo_build_org(struct demo *d)
{
	static const int npeople[] = { 150, 2000, 20000 };
	static const int cases[] = { 600, 5000, 100000 };
	static const int journeys[] = { 60, 600, 6000 };
	const struct team_def *td;
	size_t ntd, i, k;
	int total = npeople[d->o.size], weights = 0, next = 0, ceo;
	struct stats_rng *r = &d->rng;
	unsigned *used;

	td = industry_teams(d->o.industry, &ntd);
	d->cases = cases[d->o.size];
	d->journeys_per_month = journeys[d->o.size];
	switch (d->o.industry) {
	case DEMO_RETAIL:
		d->org_name = "Northwind Retail";
		d->domain = "northwind.example";
		d->story.stuck_function = "customer_service";
		d->story.workflow = "invoice-matching";
		d->story.agent = "ap-bot";
		d->story.action = "approve_invoice";
		d->story.resource_type = "Invoice";
		d->story.log = "procure-to-pay";
		d->story.hypothesis = "p2p-cycle-time";
		break;
	case DEMO_INSURANCE:
		d->org_name = "Harbour Mutual Insurance";
		d->domain = "harbourmutual.example";
		d->story.stuck_function = "customer_service";
		d->story.workflow = "claims-triage";
		d->story.agent = "triage-bot";
		d->story.action = "settle_claim";
		d->story.resource_type = "Claim";
		d->story.log = "claims-handling";
		d->story.hypothesis = "claims-cycle-time";
		break;
	default:
		d->org_name = "Ironbridge Manufacturing";
		d->domain = "ironbridge.example";
		d->story.stuck_function = "quality";
		d->story.workflow = "invoice-matching";
		d->story.agent = "ap-bot";
		d->story.action = "approve_invoice";
		d->story.resource_type = "Invoice";
		d->story.log = "procure-to-pay";
		d->story.hypothesis = "p2p-cycle-time";
		break;
	}
	d->story.ai_channel = "ai_assistant";

	d->nteams = ntd + 1;
	d->teams = xcalloc(d->nteams, sizeof(*d->teams));
	d->npeople = (size_t)total;
	d->people = xcalloc(d->npeople, sizeof(*d->people));
	for (i = 0; i < ntd; i++)
		weights += td[i].weight;
	/* the executive team: five people, function operations */
	snprintf(d->teams[0].name, sizeof(d->teams[0].name), "executive");
	snprintf(d->teams[0].title, sizeof(d->teams[0].title), "Executive office");
	d->teams[0].function = "operations";
	d->teams[0].roles = exec_roles;
	d->teams[0].first = 0;
	d->teams[0].n = 5;
	next = 5;
	for (i = 0; i < ntd; i++) {
		struct demo_team *t = &d->teams[i + 1];
		int n = (int)((double)(total - 5) * td[i].weight / weights);
		if (i + 1 == ntd)
			n = total - next;
		if (n < 6)
			n = 6;
		snprintf(t->name, sizeof(t->name), "%s", td[i].name);
		snprintf(t->title, sizeof(t->title), "%s", td[i].title);
		t->function = td[i].function;
		t->roles = td[i].roles;
		t->first = next;
		t->n = n;
		next += n;
	}
	if ((size_t)next > d->npeople) {
		d->people = xrealloc(d->people, st_mult((size_t)next, sizeof(*d->people)));
		memset(d->people + d->npeople, 0, ((size_t)next - d->npeople) * sizeof(*d->people));
	}
	d->npeople = (size_t)next;

	/* names: first x last, then a number for repeats */
	used = xcalloc(ARRAY_SIZE(first_names) * ARRAY_SIZE(last_names), sizeof(*used));
	for (i = 0; i < d->npeople; i++) {
		struct demo_person *p = &d->people[i];
		size_t f = stats_rng_below(r, ARRAY_SIZE(first_names));
		size_t l = stats_rng_below(r, ARRAY_SIZE(last_names));
		unsigned u = used[f * ARRAY_SIZE(last_names) + l]++;
		char fc[32], lc[32];
		cap_copy(fc, sizeof(fc), first_names[f]);
		cap_copy(lc, sizeof(lc), last_names[l]);
		if (u == 0) {
			snprintf(p->name, sizeof(p->name), "%s.%s", first_names[f], last_names[l]);
			snprintf(p->display, sizeof(p->display), "%s %s", fc, lc);
		} else {
			snprintf(p->name, sizeof(p->name), "%s.%s%u", first_names[f], last_names[l],
				 u + 1);
			snprintf(p->display, sizeof(p->display), "%s %s (%u)", fc, lc, u + 1);
		}
	}
	free(used);

	ceo = 0;
	for (i = 0; i < d->nteams; i++) {
		struct demo_team *t = &d->teams[i];
		int stuck = !strcmp(t->function, d->story.stuck_function);
		size_t nroles = 0;
		while (t->roles[nroles])
			nroles++;
		t->lead = t->first;
		for (k = 0; k < (size_t)t->n; k++) {
			struct demo_person *p = &d->people[t->first + (int)k];
			p->team = (int)i;
			if (k == 0) {
				p->role = t->roles[0];
				p->manager = i == 0 ? -1 : ceo;
			} else {
				p->role = nroles > 1 ? t->roles[1 + stats_rng_below(r, nroles - 1)]
						     : t->roles[0];
				p->manager = i == 0 ? ceo : t->lead;
			}
			/* about one champion in 25, at least one per team but the executive */
			p->champion = i > 0 && (k == 1 || demo_chance(r, 0.03));
			set_usage(d, p, stuck && i > 0);
			/* champions use AI habitually; in the stuck function the one
			 * champion is the power user the rest do not follow */
			if (p->champion && stuck && k == 1)
				p->profile = PROF_POWER;
			else if (p->champion && stuck)
				p->champion = 0;
			else if (p->champion && p->profile < PROF_HABITUAL)
				p->profile = PROF_HABITUAL;
		}
		if (stuck && i > 0) {
			/* the stuck function: at most one in ten people use AI habitually */
			int allowed = t->n / 10 > 1 ? t->n / 10 : 1, seen = 0;
			for (k = 0; k < (size_t)t->n; k++) {
				struct demo_person *p = &d->people[t->first + (int)k];
				if (p->profile >= PROF_HABITUAL && ++seen > allowed)
					p->profile = PROF_OCCASIONAL;
			}
		}
	}
}

static void yaml_str(struct strbuf *sb, const char *key, const char *v)
{
	strbuf_addf(sb, "%s: \"%s\"\n", key, v);
}

static const char *initiative_defs_retail[][6] = {
	/* name, title, model, phase, status, team */
	{ "store-copilot-rollout", "Copilot for every store manager", "workforce", "1", "production", "store-ops" },
	{ "shopping-assistant", "AI shopping assistant on the web shop", "distribution", "2", "proposed", "ecommerce" },
	{ "assortment-briefs", "AI assortment briefs for buyers", "expert", "2", "proposed", "merchandising" },
	{ "supplier-contract-graph", "Supplier contracts under change control", "systems", "3", "proposed", "legal-commercial" },
	{ "invoice-matching", "Autonomous invoice matching agent", "process", "3", "pilot", "finance-ap" },
	{ "p2p-assist", "AI-assisted purchase-to-pay clerks", "workforce", "1", "production", "finance-ap" },
};
static const char *initiative_defs_insurance[][6] = {
	{ "claims-copilot", "Copilot for claims handlers", "workforce", "1", "production", "claims-motor" },
	{ "cover-advisor", "AI cover advisor for direct customers", "distribution", "2", "proposed", "broker-sales" },
	{ "underwriting-briefs", "Underwriting risk briefs", "expert", "2", "proposed", "underwriting" },
	{ "policy-wording-graph", "Policy wordings under change control", "systems", "3", "proposed", "legal-compliance" },
	{ "claims-triage", "Autonomous claims triage and settlement agent", "process", "3", "pilot", "claims-motor" },
	{ "claims-assist", "AI-assisted claims handling", "workforce", "1", "production", "claims-property" },
};
static const char *initiative_defs_manufacturing[][6] = {
	{ "engineering-copilot", "Copilot for product engineers", "workforce", "1", "production", "product-eng" },
	{ "dealer-assistant", "AI parts assistant for dealers", "distribution", "2", "proposed", "industrial-sales" },
	{ "failure-analysis-briefs", "AI failure-analysis briefs", "expert", "2", "proposed", "quality-assurance" },
	{ "spec-change-control", "Specifications under change control", "systems", "3", "proposed", "product-eng" },
	{ "invoice-matching", "Autonomous invoice matching agent", "process", "3", "pilot", "finance-ap" },
	{ "p2p-assist", "AI-assisted purchase-to-pay clerks", "workforce", "1", "production", "procurement" },
};

static const char *(*initiatives(const struct demo *d))[6]
{
	return d->o.industry == DEMO_RETAIL ? initiative_defs_retail
	     : d->o.industry == DEMO_INSURANCE ? initiative_defs_insurance
					       : initiative_defs_manufacturing;
}

/* A JSON string literal (the names and titles above need no escaping but '"'). */
static void json_strlit(struct strbuf *sb, const char *v)
{
	const char *p;

	strbuf_addch(sb, '"');
	for (p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *p);
	}
	strbuf_addch(sb, '"');
}

/* The directory id the generated tenant gives person i. */
static void user_id(char *out, size_t n, size_t i)
{
	snprintf(out, n, "0de0c0de-0000-4000-8000-%012zu", i + 1);
}

/*
 * The organisation as the directory holds it: a Microsoft Graph
 * GET /users?$expand=manager($select=id) export in pages of at most 999
 * users (Graph's $top limit) and at least two, each page but the last
 * carrying @odata.nextLink, saved as org/users-N.json; and the mapping
 * file (org/map.yaml) that turns departments into teams and functions
 * and names the AI champions, who are aivalue's idea, not the directory's.
 * `import org` (demo_load.c) reads them; job titles are the roles as they are.
 */
static int write_directory(struct demo *d, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t per = (d->npeople + 1) / 2, i, page = 0;
	char id[64], rel[64];
	int ret = 0;

	if (per > 999)
		per = 999;
	d->org_pages = 0;
	for (i = 0; i < d->npeople && !ret; i++) {
		const struct demo_person *p = &d->people[i];
		if (i % per == 0) {
			strbuf_reset(&sb);
			strbuf_addstr(&sb, "{\n  \"@odata.context\": \"https://graph.microsoft.com/v1.0/"
				      "$metadata#users(id,displayName,mail,userPrincipalName,jobTitle,"
				      "department,officeLocation,accountEnabled,manager(id))\",\n");
			if (i + per < d->npeople)
				strbuf_addf(&sb, "  \"@odata.nextLink\": \"https://graph.microsoft.com/v1.0/"
					    "users?$expand=manager($select=id)&$top=%zu&$skiptoken=page%zu\",\n",
					    per, page + 2);
			strbuf_addstr(&sb, "  \"value\": [\n");
		}
		user_id(id, sizeof(id), i);
		strbuf_addf(&sb, "    {\"id\": \"%s\", \"displayName\": ", id);
		json_strlit(&sb, p->display);
		strbuf_addf(&sb, ", \"mail\": \"%s@%s\", \"userPrincipalName\": \"%s@%.*s.onmicrosoft.com\","
			    " \"jobTitle\": ", p->name, d->domain, p->name,
			    (int)(strchr(d->domain, '.') - d->domain), d->domain);
		json_strlit(&sb, p->role);
		strbuf_addstr(&sb, ", \"department\": ");
		json_strlit(&sb, d->teams[p->team].title);
		strbuf_addstr(&sb, ", \"officeLocation\": null, \"accountEnabled\": true, \"manager\": ");
		if (p->manager >= 0) {
			user_id(id, sizeof(id), (size_t)p->manager);
			strbuf_addf(&sb, "{\"@odata.type\": \"#microsoft.graph.user\", \"id\": \"%s\"}",
				    id);
		} else {
			strbuf_addstr(&sb, "null");
		}
		strbuf_addstr(&sb, "}");
		if ((i + 1) % per && i + 1 < d->npeople) {
			strbuf_addstr(&sb, ",\n");
			continue;
		}
		strbuf_addstr(&sb, "\n  ]\n}\n");
		snprintf(rel, sizeof(rel), "org/users-%zu.json", ++page);
		ret = demo_write(d, rel, &sb, err);
		d->org_pages = (int)page;
	}
	if (ret)
		goto out;
	strbuf_reset(&sb);
	strbuf_addf(&sb, "# %s: how the directory's departments map to teams and catalog\n"
		    "# functions, and who the AI champions are (generated by 'aivalue demo')\n"
		    "departments:\n", d->org_name);
	for (i = 0; i < d->nteams; i++) {
		strbuf_addstr(&sb, "  ");
		json_strlit(&sb, d->teams[i].title);
		strbuf_addf(&sb, ": {team: %s, function: %s}\n", d->teams[i].name,
			    d->teams[i].function);
	}
	for (i = 0; i < d->npeople && !d->people[i].champion; i++)
		;
	strbuf_addstr(&sb, i < d->npeople ? "champions:\n" : "champions: []\n");
	for (i = 0; i < d->npeople; i++)
		if (d->people[i].champion)
			strbuf_addf(&sb, "  - %s@%s\n", d->people[i].name, d->domain);
	ret = demo_write(d, "org/map.yaml", &sb, err);
out:
	strbuf_release(&sb);
	return ret;
}

int demo_write_org(struct demo *d, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *(*ini)[6] = initiatives(d);
	size_t i;
	int ret;

	if ((ret = write_directory(d, err)))
		goto cleanup;
	strbuf_reset(&sb);
	strbuf_addf(&sb, "# %s: AI initiatives (generated by 'aivalue demo')\n", d->org_name);
	for (i = 0; i < 6; i++) {
		int t = demo_team_find(d, ini[i][5]);
		strbuf_addf(&sb, "---\nkind: Initiative\nname: %s\n", ini[i][0]);
		yaml_str(&sb, "title", ini[i][1]);
		strbuf_addf(&sb, "model: %s\nowner: %s\nphase: %s\nstatus: %s\nteams: [%s]\n"
			    "started: \"2026-0%zu-01\"\n", ini[i][2], d->people[d->teams[t].lead].name,
			    ini[i][3], ini[i][4], ini[i][5], 1 + i);
	}
	if ((ret = demo_write(d, "org/initiatives.yaml", &sb, err)))
		goto cleanup;

	/* identity map: GitHub logins and Microsoft 365 UPNs; e-mail matches by itself */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "person,kind,value\n");
	d->n_identities = 0;
	for (i = 0; i < d->npeople; i++) {
		const struct demo_person *p = &d->people[i];
		const char *fn = d->teams[p->team].function;
		if (!strcmp(fn, "engineering") || !strcmp(fn, "it")) {
			char login[64];
			size_t j, o = 0;
			for (j = 0; p->name[j] && o + 1 < sizeof(login); j++)
				login[o++] = p->name[j] == '.' ? '-' : p->name[j];
			login[o] = '\0';
			strbuf_addf(&sb, "%s,github,%s-gh\n", p->name, login);
			d->n_identities++;
		}
		strbuf_addf(&sb, "%s,upn,%s@%.*s.onmicrosoft.com\n", p->name, p->name,
			    (int)(strchr(d->domain, '.') - d->domain), d->domain);
		strbuf_addf(&sb, "%s,id,e%05zu\n", p->name, i + 1);
		d->n_identities += 2;
	}
	if ((ret = demo_write(d, "usage/identities.csv", &sb, err)))
		goto cleanup;

	/* the allowed-tools register */
	strbuf_reset(&sb);
	strbuf_addf(&sb, "# %s: allowed AI tools (generated by 'aivalue demo')\n"
		    "---\nkind: Tool\nname: m365-copilot\nvendor: Microsoft 365 Copilot\n"
		    "data_classes: [public, internal]\nlogging: true\nowner: %s\n"
		    "usage_names: [m365-copilot, microsoft-365-copilot, m365]\n"
		    "---\nkind: Tool\nname: github-copilot\nvendor: GitHub Copilot Business\n"
		    "functions: [engineering, it]\ndata_classes: [public, internal, source_code]\n"
		    "logging: true\nowner: %s\nusage_names: [copilot, github-copilot]\n"
		    "---\nkind: Tool\nname: chatgpt\nvendor: ChatGPT Enterprise\n"
		    "data_classes: [public, internal]\nlogging: true\nowner: %s\n"
		    "usage_names: [chatgpt, chatgpt-enterprise]\n"
		    "---\nkind: Tool\nname: assistant-platform\nvendor: In-house assistant (Anthropic, OpenAI)\n"
		    "data_classes: [public, internal, customer]\nlogging: true\nowner: %s\n"
		    "usage_names: [anthropic, openai]\n",
		    d->org_name, demo_function_lead(d, "it", NULL, NULL),
		    demo_function_lead(d, "engineering", NULL, NULL),
		    demo_function_lead(d, "it", NULL, NULL),
		    demo_function_lead(d, "engineering", NULL, NULL));
	ret = demo_write(d, "usage/register.yaml", &sb, err);
cleanup:
	strbuf_release(&sb);
	return ret;
}
