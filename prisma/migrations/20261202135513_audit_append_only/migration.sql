-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('SUCCESS', 'FAILURE');

-- DropForeignKey
ALTER TABLE "AuditEvent" DROP CONSTRAINT "AuditEvent_actorId_fkey";

-- DropForeignKey
ALTER TABLE "AuditEvent" DROP CONSTRAINT "AuditEvent_projectId_fkey";

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "actorLogin" TEXT,
ADD COLUMN     "outcome" "AuditOutcome" NOT NULL DEFAULT 'SUCCESS',
ADD COLUMN     "userAgent" TEXT;


-- The audit trail is append-only: rows are written once and never changed or removed, whoever
-- connects (TRUNCATE is refused too). Prisma's migration runner splits a script at every
-- semicolon, so the function body spells its semicolons as \073 in an escape string.
CREATE FUNCTION "audit_event_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS
E'BEGIN RAISE EXCEPTION ''AuditEvent is append-only: % is not allowed'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END\073';

CREATE TRIGGER "AuditEvent_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_is_append_only"();

CREATE TRIGGER "AuditEvent_no_truncate"
  BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_is_append_only"();
ALTER TABLE "AuditEvent" ALTER COLUMN "outcome" DROP DEFAULT;
