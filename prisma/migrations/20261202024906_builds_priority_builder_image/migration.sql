-- DropIndex
DROP INDEX "Build_status_queuedAt_idx";

-- AlterTable
-- Builds queued before this migration ran in no known builder image.
ALTER TABLE "Build" ADD COLUMN     "builderImageId" TEXT NOT NULL DEFAULT 'unknown',
ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "retryOfId" UUID;
ALTER TABLE "Build" ALTER COLUMN "builderImageId" DROP DEFAULT;

-- CreateIndex
CREATE INDEX "Build_status_priority_queuedAt_idx" ON "Build"("status", "priority", "queuedAt");

