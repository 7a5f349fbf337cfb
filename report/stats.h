/* Small statistics for repeated trials: failure-rate intervals and how many clean runs a claim needs. */
#ifndef SW_STATS_H
#define SW_STATS_H

#include <stddef.h>

/* Wilson score interval for k failures in n runs at the given z (1.96 = 95%). n == 0 gives [0, 1]. */
void sw_wilson(int k, int n, double z, double *lo, double *hi);
/* Clean runs in a row needed to claim a failure rate below p with the given confidence (0.95):
 * ceil(ln(1 - conf) / ln(1 - p)); about 3/p at 95% (the "rule of three"). */
int sw_clean_runs_needed(double p, double conf);
/* Mean and the standard error of the mean by batch means (blocks of `block` samples, so serial
 * correlation in per-second rates does not make the band too narrow). *se < 0 when there are fewer
 * than two blocks. */
void sw_batch_mean(const double *x, size_t n, size_t block, double *mean, double *se);
/* How many blocks sw_batch_mean averages over (its degrees of freedom are this minus one). */
size_t sw_batch_count(size_t n, size_t block);
/* Student's t two-sided 95% quantile for df degrees of freedom (12.71 at 1, 2.23 at 10, 1.96 as df
 * grows); fractional df (Welch) interpolates. df < 1 is treated as 1. */
double sw_t95(double df);
/* Welch-Satterthwaite degrees of freedom for the difference of two means with standard errors se1,
 * se2 from n1, n2 samples (each at least 2). */
double sw_welch_df(double se1, size_t n1, double se2, size_t n2);

#endif
