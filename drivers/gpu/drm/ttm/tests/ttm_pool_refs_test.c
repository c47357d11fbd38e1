// SPDX-License-Identifier: GPL-2.0 AND MIT
/*
 * KUnit tests for the reference state of TTM pool pages: every page of a
 * non-DMA pool allocation carries one reference held by TTM (zero, frozen,
 * while it sits in a pool), and a reference TTM does not own is caught when
 * the pages are freed instead of turning into a use-after-free.
 *
 * Caching changes and the global WC pools are x86 only, and so are these
 * tests: they run in the x86 test kernel, not under UML.
 */
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>

#include <kunit/test.h>

#include <drm/ttm/ttm_backup.h>
#include <drm/ttm/ttm_pool.h>
#include <drm/ttm/ttm_tt.h>

#include "ttm_kunit_helpers.h"
#include "../ttm_pool_internal.h"

/* A 2 MiB tt: the pool tries one order-9 chunk first. */
#define REFS_TT_PAGES	512

struct refs_priv {
	struct ttm_test_devices *devs;
	struct ttm_pool pool;
};

static struct ttm_operation_ctx refs_ctx = {
	.interruptible = true,
};

static int refs_init(struct kunit *test)
{
	struct refs_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv);
	/*
	 * A TTM device, not just a DRM one: creating the first one sets up
	 * the global write-combined and uncached pools that the non-cached
	 * cases allocate from. Without it those cases depend on another
	 * suite having made a TTM device first.
	 */
	priv->devs = ttm_test_devices_all(test);
	/* No DMA API allocations: those pages are not refcounted one by one. */
	ttm_pool_init(&priv->pool, priv->devs->dev, NUMA_NO_NODE, 0);
	test->priv = priv;
	return 0;
}

static void refs_fini(struct kunit *test)
{
	struct refs_priv *priv = test->priv;

	ttm_pool_fini(&priv->pool);
	ttm_test_devices_put(test, priv->devs);
}

static struct ttm_tt *refs_tt_alloc(struct kunit *test,
				    enum ttm_caching caching)
{
	struct refs_priv *priv = test->priv;
	struct ttm_buffer_object *bo;
	struct ttm_tt *tt;

	bo = ttm_bo_kunit_init(test, priv->devs, REFS_TT_PAGES * PAGE_SIZE,
			       NULL);
	KUNIT_ASSERT_NOT_NULL(test, bo);
	tt = kunit_kzalloc(test, sizeof(*tt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tt);
	KUNIT_ASSERT_EQ(test, ttm_tt_init(tt, bo, 0, caching, 0), 0);
	KUNIT_ASSERT_EQ(test, ttm_pool_alloc(&priv->pool, tt, &refs_ctx), 0);
	return tt;
}

/* The order of the chunk that starts at @p. */
static unsigned int chunk_order(struct page *p)
{
	return p->private;
}

/*
 * Checks every page of @pages: chunks are physically contiguous, their first
 * page holds the order, the others 0, and each page's refcount is @ref.
 * Returns the number of chunks of order > 0.
 */
static unsigned int check_chunks(struct kunit *test, struct page **pages,
				 pgoff_t num_pages, int ref)
{
	unsigned int big = 0;
	pgoff_t i, j, nr;

	for (i = 0; i < num_pages; i += nr) {
		unsigned int order = chunk_order(pages[i]);

		KUNIT_ASSERT_LE(test, order, MAX_PAGE_ORDER);
		nr = 1UL << order;
		KUNIT_ASSERT_LE(test, i + nr, num_pages);
		big += order > 0;
		for (j = 0; j < nr; j++) {
			struct page *p = pages[i + j];

			KUNIT_ASSERT_EQ_MSG(test, page_to_pfn(p),
					    page_to_pfn(pages[i]) + j,
					    "page %lu of the chunk at %lu",
					    (unsigned long)j, (unsigned long)i);
			KUNIT_EXPECT_EQ_MSG(test, page_ref_count(p), ref,
					    "refcount of page %lu (chunk at %lu, order %u)",
					    (unsigned long)(i + j),
					    (unsigned long)i, order);
			if (j)
				KUNIT_EXPECT_EQ(test, p->private, 0);
		}
	}
	return big;
}

/* Skips the test when the pool could only get order-0 pages. */
static void require_big_chunk(struct kunit *test, struct ttm_tt *tt)
{
	if (!chunk_order(tt->pages[0]))
		kunit_skip(test, "no higher-order chunk could be allocated");
}

/*
 * A write-combined tt whose first chunk is big, and what the WC pool of
 * that chunk's order and the foreign-reference counter held before it is
 * freed: the tests that free it compare against these.
 */
struct wc_tt {
	struct ttm_tt *tt;
	unsigned int order, pooled;
	int foreign;
};

static void wc_tt_alloc(struct kunit *test, struct wc_tt *w)
{
	struct refs_priv *priv = test->priv;

	w->tt = refs_tt_alloc(test, ttm_write_combined);
	require_big_chunk(test, w->tt);
	w->order = chunk_order(w->tt->pages[0]);
	w->pooled = ttm_pool_pooled_chunks(&priv->pool, ttm_write_combined,
					   w->order);
	w->foreign = ttm_pool_foreign_page_refs();
}

static unsigned int wc_pooled(struct kunit *test, const struct wc_tt *w)
{
	struct refs_priv *priv = test->priv;

	return ttm_pool_pooled_chunks(&priv->pool, ttm_write_combined, w->order);
}

static void fill(struct page **pages, pgoff_t n, u32 seed)
{
	pgoff_t i;

	for (i = 0; i < n; i++) {
		u32 *v = kmap_local_page(pages[i]);

		v[0] = seed ^ (u32)i;
		v[PAGE_SIZE / sizeof(u32) - 1] = ~(seed ^ (u32)i);
		kunmap_local(v);
	}
}

static pgoff_t count_bad(struct page **pages, pgoff_t n, u32 seed)
{
	pgoff_t i, bad = 0;

	for (i = 0; i < n; i++) {
		u32 *v = kmap_local_page(pages[i]);

		bad += v[0] != (seed ^ (u32)i) ||
		       v[PAGE_SIZE / sizeof(u32) - 1] != ~(seed ^ (u32)i);
		kunmap_local(v);
	}
	return bad;
}

static const enum ttm_caching refs_cachings[] = {
	ttm_cached, ttm_write_combined, ttm_uncached,
};

static void refs_caching_desc(const enum ttm_caching *c, char *desc)
{
	static const char * const names[] = {
		[ttm_cached] = "cached",
		[ttm_write_combined] = "write-combined",
		[ttm_uncached] = "uncached",
	};

	strscpy(desc, names[*c], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(refs_caching, refs_cachings, refs_caching_desc);

/* After allocation every page, head or tail, holds exactly TTM's reference. */
static void ttm_pool_refs_after_alloc(struct kunit *test)
{
	const enum ttm_caching *caching = test->param_value;
	struct refs_priv *priv = test->priv;
	struct ttm_tt *tt = refs_tt_alloc(test, *caching);

	require_big_chunk(test, tt);
	KUNIT_EXPECT_GT(test, check_chunks(test, tt->pages, tt->num_pages, 1), 0);
	ttm_pool_free(&priv->pool, tt);
	ttm_tt_fini(tt);
}

/*
 * Chunks in a pool are frozen at refcount 0, so nobody can take a reference
 * on them, and get TTM's reference back when a tt takes them again.
 */
static void ttm_pool_refs_pool_roundtrip(struct kunit *test)
{
	struct refs_priv *priv = test->priv;
	struct page **pages;
	struct ttm_tt *tt;
	struct wc_tt w;

	wc_tt_alloc(test, &w);
	pages = kunit_kmalloc_array(test, w.tt->num_pages, sizeof(*pages),
				    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	memcpy(pages, w.tt->pages, w.tt->num_pages * sizeof(*pages));

	ttm_pool_free(&priv->pool, w.tt);
	ttm_tt_fini(w.tt);
	KUNIT_ASSERT_EQ(test, wc_pooled(test, &w), w.pooled + 1);
	/* The first chunk is in the pool now: look at it there. */
	check_chunks(test, pages, 1UL << w.order, 0);
	KUNIT_EXPECT_EQ(test, ttm_pool_foreign_page_refs(), w.foreign);

	tt = refs_tt_alloc(test, ttm_write_combined);
	KUNIT_EXPECT_EQ(test, wc_pooled(test, &w), w.pooled);
	check_chunks(test, tt->pages, tt->num_pages, 1);
	ttm_pool_free(&priv->pool, tt);
	ttm_tt_fini(tt);
}

/*
 * What KVM did before it tracked refcounted pages, and what any GUP-like
 * user of a TTM mapping does: get_page()/put_page() on every page. The pages
 * must survive it with their data.
 */
static void ttm_pool_refs_foreign_get_put(struct kunit *test)
{
	struct refs_priv *priv = test->priv;
	struct ttm_tt *tt = refs_tt_alloc(test, ttm_cached);
	pgoff_t i;

	require_big_chunk(test, tt);
	fill(tt->pages, tt->num_pages, 0x5eed);
	for (i = 0; i < tt->num_pages; i++) {
		get_page(tt->pages[i]);
		put_page(tt->pages[i]);
	}
	check_chunks(test, tt->pages, tt->num_pages, 1);
	KUNIT_EXPECT_EQ(test, count_bad(tt->pages, tt->num_pages, 0x5eed), 0);
	ttm_pool_free(&priv->pool, tt);
	ttm_tt_fini(tt);
}

/*
 * A reference TTM does not own, on a tail page, when the tt is freed: one
 * WARN, the counter goes up by one, the chunk stays out of the pool, and the
 * page lives on until the foreign holder puts it.
 */
static void ttm_pool_refs_foreign_detected(struct kunit *test)
{
	struct refs_priv *priv = test->priv;
	struct page *tail;
	struct wc_tt w;

	wc_tt_alloc(test, &w);
	tail = w.tt->pages[(1UL << w.order) - 1];
	get_page(tail);

	kunit_warning_suppress(test) {
		ttm_pool_free(&priv->pool, w.tt);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 1);
	}
	ttm_tt_fini(w.tt);

	KUNIT_EXPECT_EQ(test, ttm_pool_foreign_page_refs(), w.foreign + 1);
	KUNIT_EXPECT_EQ(test, wc_pooled(test, &w), w.pooled);
	/* TTM dropped its reference; ours keeps the page. */
	KUNIT_EXPECT_EQ(test, page_ref_count(tail), 1);
	put_page(tail);
}

struct transient_ref {
	struct hrtimer timer;
	struct page *page;
};

static enum hrtimer_restart transient_ref_drop(struct hrtimer *timer)
{
	struct transient_ref *t = container_of(timer, struct transient_ref,
					       timer);

	put_page(t->page);
	return HRTIMER_NORESTART;
}

/*
 * A reference held for a moment, as compaction's pfn scanner takes them, is
 * not foreign: TTM waits for it and pools the chunk.
 */
static void ttm_pool_refs_transient_ref(struct kunit *test)
{
	struct refs_priv *priv = test->priv;
	struct transient_ref t = { };
	struct wc_tt w;

	wc_tt_alloc(test, &w);
	t.page = w.tt->pages[1];
	get_page(t.page);
	hrtimer_setup(&t.timer, transient_ref_drop, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);
	hrtimer_start(&t.timer, ms_to_ktime(2), HRTIMER_MODE_REL);

	kunit_warning_suppress(test) {
		ttm_pool_free(&priv->pool, w.tt);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 0);
	}
	hrtimer_cancel(&t.timer);
	ttm_tt_fini(w.tt);

	KUNIT_EXPECT_EQ(test, ttm_pool_foreign_page_refs(), w.foreign);
	KUNIT_EXPECT_EQ(test, wc_pooled(test, &w), w.pooled + 1);
}

/*
 * Backup frees pages one by one and restore allocates new chunks: after the
 * round trip the data is back and every page is in the allocation state.
 */
static void ttm_pool_refs_backup_restore(struct kunit *test)
{
	const struct ttm_backup_flags flags = { };
	struct refs_priv *priv = test->priv;
	struct ttm_tt *tt;
	struct file *backup;
	pgoff_t i;
	int foreign;

	if (!ttm_backup_bytes_avail())
		kunit_skip(test, "no swap space: TTM refuses to back up");

	tt = refs_tt_alloc(test, ttm_cached);
	require_big_chunk(test, tt);
	backup = ttm_backup_shmem_create((loff_t)tt->num_pages << PAGE_SHIFT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(backup));
	tt->backup = backup;
	fill(tt->pages, tt->num_pages, 0xbac);
	foreign = ttm_pool_foreign_page_refs();

	KUNIT_ASSERT_EQ(test, ttm_pool_backup(&priv->pool, tt, &flags),
			tt->num_pages);
	for (i = 0; i < tt->num_pages; i++)
		KUNIT_ASSERT_TRUE(test,
				  ttm_backup_page_ptr_is_handle(tt->pages[i]));
	tt->page_flags |= TTM_TT_FLAG_BACKED_UP;

	KUNIT_ASSERT_EQ(test, ttm_pool_restore_and_alloc(&priv->pool, tt,
							 &refs_ctx), 0);
	ttm_tt_clear_backed_up(tt);
	check_chunks(test, tt->pages, tt->num_pages, 1);
	KUNIT_EXPECT_EQ(test, count_bad(tt->pages, tt->num_pages, 0xbac), 0);
	KUNIT_EXPECT_EQ(test, ttm_pool_foreign_page_refs(), foreign);

	ttm_pool_free(&priv->pool, tt);
	ttm_tt_fini(tt);
}

/* A purge frees every page without a foreign-reference report. */
static void ttm_pool_refs_purge(struct kunit *test)
{
	const struct ttm_backup_flags flags = { .purge = true };
	struct refs_priv *priv = test->priv;
	struct ttm_tt *tt;
	struct file *backup;
	pgoff_t i;
	int foreign;

	tt = refs_tt_alloc(test, ttm_write_combined);
	require_big_chunk(test, tt);
	backup = ttm_backup_shmem_create((loff_t)tt->num_pages << PAGE_SHIFT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(backup));
	tt->backup = backup;
	foreign = ttm_pool_foreign_page_refs();

	kunit_warning_suppress(test) {
		KUNIT_EXPECT_EQ(test, ttm_pool_backup(&priv->pool, tt, &flags),
				tt->num_pages);
		KUNIT_EXPECT_SUPPRESSED_WARNING_COUNT(test, 0);
	}
	for (i = 0; i < tt->num_pages; i++)
		KUNIT_EXPECT_NULL(test, tt->pages[i]);
	KUNIT_EXPECT_EQ(test, ttm_pool_foreign_page_refs(), foreign);
	ttm_tt_fini(tt);
}

static struct kunit_case ttm_pool_refs_test_cases[] = {
	KUNIT_CASE_PARAM(ttm_pool_refs_after_alloc, refs_caching_gen_params),
	KUNIT_CASE(ttm_pool_refs_pool_roundtrip),
	KUNIT_CASE(ttm_pool_refs_foreign_get_put),
	KUNIT_CASE(ttm_pool_refs_foreign_detected),
	KUNIT_CASE(ttm_pool_refs_transient_ref),
	KUNIT_CASE(ttm_pool_refs_backup_restore),
	KUNIT_CASE(ttm_pool_refs_purge),
	{}
};

static struct kunit_suite ttm_pool_refs_test_suite = {
	.name = "ttm_pool_refs",
	.init = refs_init,
	.exit = refs_fini,
	.test_cases = ttm_pool_refs_test_cases,
};

kunit_test_suites(&ttm_pool_refs_test_suite);

MODULE_DESCRIPTION("KUnit tests for the reference state of TTM pool pages");
MODULE_LICENSE("GPL and additional rights");
