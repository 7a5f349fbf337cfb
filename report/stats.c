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
