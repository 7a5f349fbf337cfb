#include "report/stats.h"

#include <math.h>

void sw_wilson(int k, int n, double z, double *lo, double *hi)
{
    if (n <= 0) {
        *lo = 0;
        *hi = 1;
        return;
    }
    double p = (double)k / n, z2 = z * z;
    double den = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / den;
    double half = z * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / den;
    *lo = k == 0 ? 0 : fmax(0, centre - half);
    *hi = k == n ? 1 : fmin(1, centre + half);
}

int sw_clean_runs_needed(double p, double conf)
{
    if (p <= 0 || p >= 1 || conf <= 0 || conf >= 1)
        return -1;
    return (int)ceil(log(1 - conf) / log(1 - p) - 1e-9);
}

void sw_batch_mean(const double *x, size_t n, size_t block, double *mean, double *se)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    *mean = n ? sum / (double)n : 0;
    *se = -1;
    if (!block)
        block = 1;
    size_t nb = n / block;
    if (nb < 2)
        return;
    double bm_sum = 0, bm_sq = 0;
    for (size_t b = 0; b < nb; b++) {
        double s = 0;
        for (size_t i = 0; i < block; i++)
            s += x[b * block + i];
        s /= (double)block;
        bm_sum += s;
        bm_sq += s * s;
    }
    double bmean = bm_sum / (double)nb;
    double var = (bm_sq - nb * bmean * bmean) / (double)(nb - 1);
    *se = sqrt(var > 0 ? var : 0) / sqrt((double)nb);
}

size_t sw_batch_count(size_t n, size_t block)
{
    return n / (block ? block : 1);
}

double sw_t95(double df)
{
    /* t(0.975, df) for df = 1..30, then 40, 60, 120 and infinity (interpolated in 1/df). */
    static const double t[31] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                                 2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    static const double big_df[] = {30, 40, 60, 120}, big_t[] = {2.042, 2.021, 2.000, 1.980};
    if (!(df >= 1))
        df = 1;
    if (df <= 30) {
        int lo = (int)floor(df);
        double f = df - lo;
        return lo >= 30 ? t[30] : t[lo] + f * (t[lo + 1] - t[lo]);
    }
    for (int i = 0; i < 3; i++)
        if (df <= big_df[i + 1]) {
            double f = (1 / big_df[i] - 1 / df) / (1 / big_df[i] - 1 / big_df[i + 1]);
            return big_t[i] + f * (big_t[i + 1] - big_t[i]);
        }
    double f = (1 / 120.0 - 1 / df) / (1 / 120.0);   /* 120 .. infinity */
    return 1.980 + f * (1.959964 - 1.980);
}

double sw_welch_df(double se1, size_t n1, double se2, size_t n2)
{
    double v1 = se1 * se1, v2 = se2 * se2;
    if (n1 < 2 || n2 < 2)
        return 1;
    double den = v1 * v1 / (double)(n1 - 1) + v2 * v2 / (double)(n2 - 1);
    if (den <= 0)   /* no spread on either side: as many as the samples allow */
        return (double)(n1 + n2 - 2);
    return (v1 + v2) * (v1 + v2) / den;
}
