DROP INDEX `papers_upvotes_idx`;--> statement-breakpoint
DROP INDEX `papers_published_idx`;