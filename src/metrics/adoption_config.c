/*
 * adoption_config.c - loading data/adoption.yaml strictly (the same shape
 * of error as the catalog: FILE:LINE:COL, unknown keys refused, ranges
 * checked), so a typo in a threshold stops the run instead of silently
 * falling back to a default.
 */
#include <stdlib.h>
#include <string.h>

#include "adoption.h"
#include "core/assets.h"
#include "core/yaml.h"

#define ADOPTION_ASSET "data/adoption.yaml"

static int get_int(const struct ypos *p, struct fy_node *map, const char *key, long long lo,
		   long long hi, int *out, const char *what)
{
	long long v = 0;
	int ret = yget_int(p, map, key, 1, &v, what);

	if (ret)
		return ret;
	if (v < lo || v > hi)
		return yfail(p, yget(map, key), AIV_EINPUT, "%s: '%s' must be %lld to %lld, not %lld",
			     what, key, lo, hi, v);
	*out = (int)v;
	return 0;
}

static int get_num(const struct ypos *p, struct fy_node *map, const char *key, double lo,
		   double hi, double *out, const char *what)
{
	double v = 0;
	int ret = yget_num(p, map, key, 1, &v, what);

	if (ret)
		return ret;
	if (!(v >= lo && v <= hi))
		return yfail(p, yget(map, key), AIV_EINPUT, "%s: '%s' must be %g to %g, not %g",
			     what, key, lo, hi, v);
	*out = v;
	return 0;
}

static int section(const struct ypos *p, struct fy_node *root, const char *key,
		   const char *const *keys, struct fy_node **out)
{
	struct fy_node *n = yget(root, key);
	int ret;

	if (!n) {
		long line = 0, col = 0;
		ymark(root, &line, &col);
		return aiv_fail_at(p->err, AIV_EINPUT, p->file, line, col,
				   "adoption thresholds: missing key '%s'", key);
	}
	if (!fy_node_is_mapping(n))
		return yfail(p, n, AIV_EINPUT, "adoption thresholds: '%s' must be a mapping", key);
	if ((ret = ycheck_keys(p, n, keys, key)))
		return ret;
	*out = n;
	return 0;
}

int adoption_config_load_buf(struct adoption_config *c, const char *name, const char *buf,
			     size_t len, struct aiv_err *err)
{
	static const char *const top[] = { "version", "privacy_floor", "repeat_use",
					   "proficiency", "window_days", "stalled_after_days",
					   "reusable_workflow", "cross_functional", "two_tier",
					   "volume_over_credibility", NULL };
	static const char *const k_vc[] = { "ai_channel", "periods", "min_periods", "alpha",
					    NULL };
	static const char *const k_rep[] = { "weeks", "min_active_weeks", NULL };
	static const char *const k_prof[] = { "novice_actions_per_week", "power_actions_per_week",
					      "power_min_features", NULL };
	static const char *const k_wf[] = { "min_people", "min_teams", NULL };
	static const char *const k_xf[] = { "min_repeat_rate", "min_foreign_asset_users", NULL };
	static const char *const k_tt[] = { "max_gini", "max_role_gap", "stalled_function_rate",
					    "org_rate_above", NULL };
	struct ydocs docs;
	struct ypos p;
	struct fy_node *root, *n;
	int version = 0, ret;

	memset(c, 0, sizeof(*c));
	if ((ret = ydocs_load(&docs, name, buf, len, err)))
		return ret;
	p.file = name;
	p.err = err;
	if (docs.n != 1) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: want one YAML document of adoption thresholds",
			       name);
		goto out;
	}
	root = fy_document_root(docs.docs[0]);
	if (!root || !fy_node_is_mapping(root)) {
		ret = aiv_fail_at(err, AIV_EINPUT, name, 1, 1, "adoption thresholds must be a mapping");
		goto out;
	}
	if ((ret = ycheck_keys(&p, root, top, "adoption thresholds")) ||
	    (ret = get_int(&p, root, "version", 1, 1, &version, "adoption thresholds")) ||
	    (ret = get_int(&p, root, "privacy_floor", 1, 1000, &c->privacy_floor,
			   "adoption thresholds")) ||
	    (ret = get_int(&p, root, "window_days", 1, 366, &c->window_days,
			   "adoption thresholds")) ||
	    (ret = get_int(&p, root, "stalled_after_days", 1, 366, &c->stalled_days,
			   "adoption thresholds")))
		goto out;
	if ((ret = section(&p, root, "repeat_use", k_rep, &n)) ||
	    (ret = get_int(&p, n, "weeks", 1, 52, &c->weeks, "repeat_use")) ||
	    (ret = get_int(&p, n, "min_active_weeks", 1, 52, &c->min_active_weeks, "repeat_use")))
		goto out;
	if (c->min_active_weeks > c->weeks) {
		ret = yfail(&p, yget(n, "min_active_weeks"), AIV_EINPUT,
			    "repeat_use: 'min_active_weeks' (%d) is more than 'weeks' (%d)",
			    c->min_active_weeks, c->weeks);
		goto out;
	}
	if ((ret = section(&p, root, "proficiency", k_prof, &n)) ||
	    (ret = get_num(&p, n, "novice_actions_per_week", 0, 1e6, &c->novice_per_week,
			   "proficiency")) ||
	    (ret = get_num(&p, n, "power_actions_per_week", 0, 1e6, &c->power_per_week,
			   "proficiency")) ||
	    (ret = get_int(&p, n, "power_min_features", 1, 1000, &c->power_min_features,
			   "proficiency")))
		goto out;
	if ((ret = section(&p, root, "reusable_workflow", k_wf, &n)) ||
	    (ret = get_int(&p, n, "min_people", 1, 1000000, &c->wf_min_people,
			   "reusable_workflow")) ||
	    (ret = get_int(&p, n, "min_teams", 0, 100000, &c->wf_min_teams, "reusable_workflow")))
		goto out;
	if ((ret = section(&p, root, "cross_functional", k_xf, &n)) ||
	    (ret = get_num(&p, n, "min_repeat_rate", 0, 1, &c->xf_min_repeat_rate,
			   "cross_functional")) ||
	    (ret = get_int(&p, n, "min_foreign_asset_users", 1, 1000000,
			   &c->xf_min_foreign_users, "cross_functional")))
		goto out;
	if ((ret = section(&p, root, "two_tier", k_tt, &n)) ||
	    (ret = get_num(&p, n, "max_gini", 0, 1, &c->tt_max_gini, "two_tier")) ||
	    (ret = get_num(&p, n, "max_role_gap", 0, 1, &c->tt_max_role_gap, "two_tier")) ||
	    (ret = get_num(&p, n, "stalled_function_rate", 0, 1, &c->tt_stalled_rate,
			   "two_tier")) ||
	    (ret = get_num(&p, n, "org_rate_above", 0, 1, &c->tt_org_rate_above, "two_tier")))
		goto out;
	{
		const char *ch = NULL;
		if ((ret = section(&p, root, "volume_over_credibility", k_vc, &n)) ||
		    (ret = yget_str(&p, n, "ai_channel", 1, &ch, "volume_over_credibility")) ||
		    (ret = get_int(&p, n, "periods", 3, 60, &c->vc_periods,
				   "volume_over_credibility")) ||
		    (ret = get_int(&p, n, "min_periods", 3, 60, &c->vc_min_periods,
				   "volume_over_credibility")) ||
		    (ret = get_num(&p, n, "alpha", 0.0001, 0.5, &c->vc_alpha,
				   "volume_over_credibility")))
			goto out;
		if (!*ch || strlen(ch) >= sizeof(c->vc_ai_channel)) {
			ret = yfail(&p, yget(n, "ai_channel"), AIV_EINPUT,
				    "volume_over_credibility: 'ai_channel' must be 1 to 63 bytes");
			goto out;
		}
		snprintf(c->vc_ai_channel, sizeof(c->vc_ai_channel), "%s", ch);
		if (c->vc_min_periods > c->vc_periods) {
			ret = yfail(&p, yget(n, "min_periods"), AIV_EINPUT,
				    "volume_over_credibility: 'min_periods' is more than 'periods'");
			goto out;
		}
	}
out:
	ydocs_release(&docs);
	return ret;
}

int adoption_config_load(struct adoption_config *c, const char *path, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	const struct aiv_asset *a;
	int ret;

	if (!path) {
		a = asset_find(ADOPTION_ASSET);
		if (!a)
			return aiv_fail(err, AIV_EINTERNAL, "built-in %s is missing", ADOPTION_ASSET);
		return adoption_config_load_buf(c, ADOPTION_ASSET, (const char *)a->data, a->len, err);
	}
	if (strbuf_read_file(&sb, path, 1u << 20) < 0) {
		strbuf_release(&sb);
		return aiv_fail(err, AIV_EIO, "cannot read '%s'", path);
	}
	ret = adoption_config_load_buf(c, path, sb.buf, sb.len, err);
	strbuf_release(&sb);
	return ret;
}
