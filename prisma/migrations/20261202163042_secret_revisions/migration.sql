-- CreateTable
CREATE TABLE "SecretRevision" (
    "secretId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "projectId" UUID NOT NULL,
    "boardId" UUID NOT NULL,
    "field" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "sealed" BYTEA NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SecretRevision_pkey" PRIMARY KEY ("secretId","revision")
);

-- CreateIndex
CREATE INDEX "SecretRevision_projectId_idx" ON "SecretRevision"("projectId");

-- AddForeignKey
ALTER TABLE "SecretRevision" ADD CONSTRAINT "SecretRevision_boardId_fkey" FOREIGN KEY ("boardId") REFERENCES "Board"("id") ON DELETE CASCADE ON UPDATE CASCADE;

