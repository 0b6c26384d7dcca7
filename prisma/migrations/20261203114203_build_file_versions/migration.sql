-- AlterTable
ALTER TABLE "Build" ADD COLUMN     "fileVersionIds" UUID[] DEFAULT ARRAY[]::UUID[];

