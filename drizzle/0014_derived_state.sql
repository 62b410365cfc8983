CREATE TABLE `derived_state` (
	`name` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
