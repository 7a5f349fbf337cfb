/* HTML text escaping shared by the HTML writers (report.html, fleet.html). */
#ifndef SW_HTML_TEXT_H
#define SW_HTML_TEXT_H

#include <stdio.h>

/* Writes s (may be NULL) with < > & " ' escaped: safe as element text and as a quoted attribute. */
void sw_html_text(FILE *o, const char *s);

#endif
