CREATE TABLE `installation_workspaces` (
	`platform` text NOT NULL,
	`workspace_id` text NOT NULL,
	`install_id` text NOT NULL,
	`seen_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`platform`, `workspace_id`)
);
--> statement-breakpoint
CREATE INDEX `installation_workspaces_install_idx` ON `installation_workspaces` (`platform`,`install_id`);--> statement-breakpoint
CREATE TABLE `installations` (
	`platform` text NOT NULL,
	`install_id` text NOT NULL,
	`team_id` text,
	`enterprise_id` text,
	`is_enterprise_install` integer DEFAULT false NOT NULL,
	`bot_user_id` text,
	`sealed` text NOT NULL,
	`installed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`platform`, `install_id`)
);
--> statement-breakpoint
CREATE INDEX `installations_enterprise_idx` ON `installations` (`platform`,`enterprise_id`);