#include "report/outcome.h"

#include <string.h>

#include "report/correlate.h"
#include "report/stats.h"
#include "report/verdict.h"

#define Z95 1.959964

static enum sw_outcome from_name(const char *s)
{
    return !s ? SW_OUT_INCONCLUSIVE : !strcmp(s, "unstable") ? SW_OUT_UNSTABLE
                                    : !strcmp(s, "stable")   ? SW_OUT_STABLE
                                                             : SW_OUT_INCONCLUSIVE;
}

enum sw_outcome sw_run_outcome(const json_t *r, const json_t *rules)
{
    if (json_object_get(r, "verdict") || !rules)
        return from_name(sw_verdict_status(r));   /* its verdict, or the events' alone */
    struct sw_diag d;
    json_t *out = sw_correlate(r, rules, NULL, &d);
    json_t *judged = json_pack("{s:O}", "verdict", json_object_get(out, "verdict"));
    enum sw_outcome o = from_name(sw_verdict_status(judged));
    json_decref(judged);
    json_decref(out);
    return o;
}

const char *sw_outcome_name(enum sw_outcome o)
{
    return o == SW_OUT_STABLE ? "stable" : o == SW_OUT_UNSTABLE ? "unstable" : "inconclusive";
}

void sw_rate_add(struct sw_rate *r, enum sw_outcome o)
{
    r->units++;
    if (o == SW_OUT_INCONCLUSIVE) {
        r->inconclusive++;
        return;
    }
    r->conclusive++;
    r->failed += o == SW_OUT_UNSTABLE;
}

void sw_rate_finish(struct sw_rate *r)
{
    r->rate = r->conclusive ? (double)r->failed / r->conclusive : 0.0;
    sw_wilson(r->failed, r->conclusive, Z95, &r->ci_low, &r->ci_high);
}
