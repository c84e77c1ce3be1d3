/*
 * printf.c: kernel formatted output. kvsnprintf formats into a buffer
 * (never past cap, always NUL-terminated); kprintf formats a line piece and
 * hands it to the console. Conversions: %d %i %u %x %X %s %c %p %%, flags
 * '0' and '-', a width, and the l / ll length modifiers (long long needs
 * libgcc's 64-bit division).
 */
#include "kernel/console.h"
#include "kernel/kernel.h"

#define KPRINTF_BUF 256

struct out {
	char *buf;
	size_t cap;
	size_t n;       /* characters produced, even past cap */
};

static void out_c(struct out *o, char c)
{
	if (o->n + 1 < o->cap)
		o->buf[o->n] = c;
	o->n++;
}

static void out_pad(struct out *o, char c, int count)
{
	for (int i = 0; i < count; i++)
		out_c(o, c);
}

static void out_str(struct out *o, const char *s, int width, int left)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && len < 4096)
		len++;
	if (!left)
		out_pad(o, ' ', width - len);
	for (int i = 0; i < len; i++)
		out_c(o, s[i]);
	if (left)
		out_pad(o, ' ', width - len);
}

static void out_num(struct out *o, uint64_t v, int base, int neg, int width,
		    int zero, int left, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int len = 0;

	do {
		tmp[len++] = digits[v % (unsigned)base];
		v /= (unsigned)base;
	} while (v && len < 22);
	width -= len + neg;
	if (left)
		zero = 0;
	if (!left && !zero)
		out_pad(o, ' ', width);
	if (neg)
		out_c(o, '-');
	if (zero)
		out_pad(o, '0', width);
	while (len > 0)
		out_c(o, tmp[--len]);
	if (left)
		out_pad(o, ' ', width);
}

/* One conversion after '%'; returns the format position after it. */
static const char *out_conv(struct out *o, const char *f, va_list *ap)
{
	int zero = 0, left = 0, width = 0, lng = 0;
	uint64_t u;
	int64_t s;

	for (; *f == '0' || *f == '-'; f++)
		*f == '0' ? (zero = 1) : (left = 1);
	for (; *f >= '0' && *f <= '9' && width < 100; f++)
		width = width * 10 + (*f - '0');
	for (; *f == 'l' && lng < 2; f++)
		lng++;
	switch (*f) {
	case 'd': case 'i':
		s = lng == 2 ? va_arg(*ap, long long) : (lng ? va_arg(*ap, long) : va_arg(*ap, int));
		u = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
		out_num(o, u, 10, s < 0, width, zero, left, 0);
		break;
	case 'u': case 'x': case 'X':
		u = lng == 2 ? va_arg(*ap, unsigned long long)
			     : (lng ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned));
		out_num(o, u, *f == 'u' ? 10 : 16, 0, width, zero, left, *f == 'X');
		break;
	case 'p':
		out_str(o, "0x", 0, 0);
		out_num(o, (uintptr_t)va_arg(*ap, void *), 16, 0, 8, 1, 0, 0);
		break;
	case 's':
		out_str(o, va_arg(*ap, const char *), width, left);
		break;
	case 'c':
		out_c(o, (char)va_arg(*ap, int));
		break;
	case '%':
		out_c(o, '%');
		break;
	default:        /* unknown conversion or end of string: print as is */
		out_c(o, '%');
		if (!*f)
			return f;
		out_c(o, *f);
	}
	return f + 1;
}

int kvsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = { buf, cap, 0 };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%')
			out_c(&o, *fmt++);
		else
			fmt = out_conv(&o, fmt + 1, &aq);
	}
	va_end(aq);
	if (cap)
		buf[o.n < cap ? o.n : cap - 1] = '\0';
	return (int)o.n;
}

int ksnprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

void kprintf(const char *fmt, ...)
{
	char buf[KPRINTF_BUF];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_puts(buf);
}
