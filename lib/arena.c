/*
 * arena.c - bump allocation for data with one lifetime: the strings of the
 * records in one chunk of an ingest, released all at once.  Blocks never
 * move, so pointers stay valid until the reset.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define BLOCK_SIZE	(64u * 1024)

struct arena_block {
	struct arena_block	*next;
	size_t			 used, size;
	/* data follows, aligned for any object */
	max_align_t		 data[];
};

/*
 * Returns size bytes aligned for any object, valid until the arena is
 * reset or freed, or NULL when out of memory.
 */
void *
csm_arena_alloc(struct csm_arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t need = (size + sizeof(max_align_t) - 1) &
	    ~(sizeof(max_align_t) - 1);

	if (b == NULL || b->size - b->used < need) {
		size_t bsize = need > BLOCK_SIZE ? need : BLOCK_SIZE;

		/* Reuse a block kept by the last reset. */
		if (a->spare != NULL && a->spare->size >= need) {
			b = a->spare;
			a->spare = b->next;
		} else {
			b = malloc(sizeof(*b) + bsize);
			if (b == NULL)
				return NULL;
			b->size = bsize;
		}
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	b->used += need;
	return (char *)b->data + b->used - need;
}

/* A NUL-terminated copy of s[0..len) in the arena, or NULL. */
char *
csm_arena_strndup(struct csm_arena *a, const char *s, size_t len)
{
	char *p = csm_arena_alloc(a, len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* Releases everything allocated; standard blocks are kept for reuse. */
void
csm_arena_reset(struct csm_arena *a)
{
	struct arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (b->size == BLOCK_SIZE) {
			b->next = a->spare;
			a->spare = b;
		} else
			free(b);
	}
	a->head = NULL;
}

/* Frees all memory of the arena (the struct itself is the caller's). */
void
csm_arena_free(struct csm_arena *a)
{
	struct arena_block *b, *next;

	csm_arena_reset(a);
	for (b = a->spare; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->spare = NULL;
}
