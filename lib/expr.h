/*
 * expr.h - the parts of the expression language (csm(7) EXPRESSIONS)
 * shared by its files; internal to libcsm.
 *
 *	expr.c		the language (header comment), the parser, the tree,
 *			csm_expr_parse and csm_expr_free
 *	expr_lex.c	the lexer: tokens, literals, error messages and their
 *			columns
 *	expr_val.c	values: fields, conversions, comparing, "+" and "-"
 *	expr_eval.c	predicates and csm_expr_eval
 *	re.c		regular expressions (re.h)
 */
#ifndef CSM_EXPR_H
#define CSM_EXPR_H

#include <stdint.h>

#include "internal.h"
#include "re.h"

#define EXPR_MAXDEPTH	256	/* parentheses nested deeper are an error */

/* Tokens. */
enum {
	T_EOF, T_LPAREN, T_RPAREN, T_COMMA,
	T_EQ, T_NE, T_LT, T_GT, T_LE, T_GE,
	T_MATCH, T_IMATCH, T_NMATCH, T_PLUS, T_MINUS,
	T_AND, T_OR, T_NOT, T_IN, T_CONTAINS, T_EXISTS,
	T_TRUE, T_FALSE, T_NULL, T_NOW,
	T_IDENT, T_STR, T_NUM, T_DUR, T_TIME
};

/* Comparison operators; "!=" is evaluated from "=". */
enum { OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE };

/* Nodes of the tree. */
enum {
	N_OR, N_AND, N_NOT, N_TRUTHY, N_CMP, N_IN, N_CONTAINS, N_MATCH,
	N_EXISTS, N_SUM,
	N_FIELD, N_STR, N_NUM, N_DUR, N_TIME, N_BOOL, N_NULL, N_NOW
};

struct node {
	int		 kind;
	int		 op;		/* N_CMP: OP_* */
	int		 neg;		/* not in, not contains, !~ */
	struct node	**kid;		/* N_IN: kid[0] is the value */
	char		*ops;		/* N_SUM: '+' or '-' before kid[i] */
	size_t		 nkid, cap;
	char		*s;		/* N_STR text, N_FIELD name, N_TIME */
	size_t		 len;
	const char	*path;		/* N_FIELD: into s, '.' made '\0' */
	size_t		 nseg;		/* N_FIELD: parts of path */
	int		 age;		/* N_FIELD: the name is "age" */
	int		 isint;		/* N_NUM: i holds it, else d */
	int		 fixed;		/* N_TIME: had an offset, i holds it */
	int64_t		 i;		/* N_NUM, N_DUR, N_TIME, N_BOOL */
	double		 d;
	struct csm_re	*re;		/* N_MATCH */
	size_t		 src, srclen;	/* predicates: their text in the
					 * expression's source */
};

struct csm_expr {
	struct node	*root;
	char		*src;		/* the text, for explanations */
};

struct tok {
	int		 type;
	size_t		 pos, len;	/* bytes of src */
	char		*s;		/* T_STR, T_TIME: new until taken */
	size_t		 slen;
	int		 isint, fixed;
	int64_t		 i;
	double		 d;
};

struct parser {
	const char	*src;
	size_t		 pos;		/* next byte to read */
	struct tok	 tok;		/* the current token */
	int		 hasprev;	/* the token before it, for messages */
	int		 ptype;
	size_t		 ppos, plen;
	int		 depth;
	struct csm_err	*err;
};

/*
 * Values while evaluating.  V_NULL is a missing field, a JSON null or the
 * literal null (lit set); V_FAIL is a computation that failed ("+" of a
 * time and a number, an overflow, a field that should be a time and is
 * not): it compares false with everything.
 */
enum { V_NULL, V_FAIL, V_BOOL, V_NUM, V_STR, V_TIME, V_DUR, V_ARR, V_OBJ };

struct val {
	int		 t;
	int		 lit;		/* V_NULL: the literal null */
	int		 isint;		/* V_NUM: i holds it, else d */
	int64_t		 i;		/* V_NUM, V_TIME, V_DUR, V_BOOL */
	double		 d;
	const char	*s;		/* V_STR: NUL after len bytes */
	size_t		 len;
	const json_t	*j;		/* V_ARR, V_OBJ */
	json_t		*own;		/* a reference to drop when done */
};

/* One evaluation: what csm_expr_eval was given, and its scratch space. */
struct ev {
	const json_t		*rec;
	const struct csm_tz	*tz;
	int64_t			 now;
	json_t			*(*lookup)(void *, const char *);
	void			*arg;
	void			(*warn)(void *, const char *);
	void			*warnarg;
	struct csm_re_md	*md;	/* made at the first match */
	struct csm_err		*err;
};

/* expr_lex.c */
int expr_lex(struct parser *p);
int expr_next(struct parser *p);
int expr_lex_num(struct parser *p, size_t start, int neg);
int expr_fail(struct parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int expr_nomem(struct csm_err *err);
int expr_expected(struct parser *p, const char *what);
int expr_unexpected(struct parser *p);
size_t expr_col(const struct parser *p, size_t pos);
int expr_isdigit(int c);

/* expr_val.c */
void expr_release(struct val *v);
void expr_setjson(struct val *v, const json_t *j);
int expr_value(const struct ev *ev, const struct node *n, struct val *v);
int expr_test(const struct ev *ev, int op, const struct val *a,
    const struct val *b, int flags);
const char *expr_numtext(const struct val *v, char *buf);

#endif /* CSM_EXPR_H */
