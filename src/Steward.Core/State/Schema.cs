namespace Steward.Core.State;

/// <summary>
/// The one definition of a node's tables, as SQL: it creates every new <c>steward.db</c>, the node runtime reads and
/// writes it with plain SQLite commands (<see cref="HotWrites"/>, <see cref="NodeReads"/>), and EF Core's model of it
/// (<see cref="StewardDb"/>, the gateway's operator queries) maps onto these tables: a test fails when the two disagree.
/// In SQL rather than made by EF Core so that a Native AOT agent, where EF Core cannot build its model, creates the file
/// too. Changing it means raising <see cref="SqliteFile.SchemaVersion"/> with an upgrade step for older files.
/// </summary>
internal static class Schema
{
    public const string Create = Core + Fleet + Copies;

    private const string Core = """
        CREATE TABLE "Errors" (
            "Seq" INTEGER NOT NULL CONSTRAINT "PK_Errors" PRIMARY KEY AUTOINCREMENT,
            "At" TEXT NOT NULL,
            "Node" TEXT NOT NULL,
            "Line" TEXT NOT NULL,
            "MessageFromNode" TEXT NULL,
            "MessageId" INTEGER NULL
        );

        CREATE TABLE "Events" (
            "Seq" INTEGER NOT NULL CONSTRAINT "PK_Events" PRIMARY KEY AUTOINCREMENT,
            "MessageId" INTEGER NOT NULL,
            "Kind" TEXT NOT NULL,
            "Node" TEXT NOT NULL,
            "State" TEXT NULL,
            "Output" TEXT NULL,
            "ExitCode" INTEGER NULL,
            "Attempt" INTEGER NULL,
            "Error" TEXT NULL,
            "At" TEXT NOT NULL,
            "Wave" INTEGER NULL
        );

        CREATE TABLE "Inbound" (
            "FromNode" TEXT NOT NULL,
            "Id" INTEGER NOT NULL,
            "Method" TEXT NOT NULL,
            "Json" TEXT NOT NULL,
            "State" TEXT NOT NULL,
            "ReceivedAt" TEXT NOT NULL,
            "FinishedAt" TEXT NULL,
            "ProcessGroup" INTEGER NULL,
            "ProcessBoot" TEXT NULL,
            "ProcessStartTicks" INTEGER NULL,
            "AppendFrom" INTEGER NULL,
            CONSTRAINT "PK_Inbound" PRIMARY KEY ("FromNode", "Id")
        );

        CREATE TABLE "Nodes" (
            "Name" TEXT NOT NULL CONSTRAINT "PK_Nodes" PRIMARY KEY,
            "FirstSeen" TEXT NOT NULL,
            "LastSeen" TEXT NOT NULL,
            "Version" TEXT NULL,
            "Os" TEXT NULL,
            "Arch" TEXT NULL,
            "StartedAt" TEXT NULL,
            "Labels" TEXT NULL,
            "Metrics" TEXT NULL
        );

        CREATE TABLE "Outbound" (
            "Id" INTEGER NOT NULL CONSTRAINT "PK_Outbound" PRIMARY KEY,
            "ToNode" TEXT NOT NULL,
            "Method" TEXT NOT NULL,
            "Json" TEXT NOT NULL,
            "State" TEXT NOT NULL,
            "Attempts" INTEGER NOT NULL,
            "BatchId" INTEGER NULL,
            "LastError" TEXT NULL,
            "CreatedAt" TEXT NOT NULL,
            "UpdatedAt" TEXT NOT NULL,
            "Wave" INTEGER NULL,
            "ExitCode" INTEGER NULL
        );

        CREATE TABLE "Sequences" (
            "Name" TEXT NOT NULL CONSTRAINT "PK_Sequences" PRIMARY KEY,
            "Last" INTEGER NOT NULL
        );

        CREATE INDEX "IX_Events_MessageId_Seq" ON "Events" ("MessageId", "Seq");
        CREATE INDEX "IX_Inbound_State" ON "Inbound" ("State");
        CREATE INDEX "IX_Outbound_BatchId" ON "Outbound" ("BatchId");
        CREATE INDEX "IX_Outbound_State" ON "Outbound" ("State");
        """;

    /// <summary>The fan-outs and the labels operators set (version 7; <see cref="SqliteFile"/> adds them to older files).</summary>
    public const string Fleet = """
        CREATE TABLE "NodeLabels" (
            "Name" TEXT NOT NULL CONSTRAINT "PK_NodeLabels" PRIMARY KEY,
            "Labels" TEXT NOT NULL,
            "SetBy" TEXT NULL,
            "SetAt" TEXT NOT NULL
        );

        CREATE TABLE "Batches" (
            "Id" INTEGER NOT NULL CONSTRAINT "PK_Batches" PRIMARY KEY,
            "Selector" TEXT NULL,
            "Targets" TEXT NOT NULL,
            "OnlyOnline" INTEGER NOT NULL,
            "Nodes" TEXT NOT NULL,
            "RolloutState" TEXT NULL,
            "MaxConcurrency" TEXT NULL,
            "Concurrency" INTEGER NULL,
            "MaxErrors" TEXT NULL,
            "ErrorLimit" INTEGER NULL,
            "BatchSleepSeconds" INTEGER NOT NULL,
            "Wave" INTEGER NOT NULL,
            "Errors" INTEGER NOT NULL,
            "StopReason" TEXT NULL,
            "NextWaveAt" TEXT NULL,
            "CreatedAt" TEXT NOT NULL,
            "UpdatedAt" TEXT NOT NULL
        );

        CREATE INDEX "IX_Batches_RolloutState" ON "Batches" ("RolloutState");
        """;

    /// <summary>The copies a node sends and receives (version 8).</summary>
    public const string Copies = """
        CREATE TABLE "CopiesIn" (
            "FromNode" TEXT NOT NULL, "CopyId" INTEGER NOT NULL, "Path" TEXT NOT NULL, "TempPath" TEXT NOT NULL, "Size" INTEGER NOT NULL,
            "Chunks" INTEGER NOT NULL, "Sha256" TEXT NOT NULL, "State" TEXT NOT NULL, "Error" TEXT NULL, "CreatedAt" TEXT NOT NULL,
            "FinishedAt" TEXT NULL, CONSTRAINT "PK_CopiesIn" PRIMARY KEY ("FromNode", "CopyId"));

        CREATE TABLE "CopiesOut" (
            "CopyId" INTEGER NOT NULL CONSTRAINT "PK_CopiesOut" PRIMARY KEY, "FromNode" TEXT NOT NULL, "MessageId" INTEGER NOT NULL,
            "ToNode" TEXT NOT NULL, "Size" INTEGER NOT NULL, "ChunkBytes" INTEGER NOT NULL, "Chunks" INTEGER NOT NULL, "Sha256" TEXT NOT NULL,
            "CreatedAt" TEXT NOT NULL);

        CREATE TABLE "CopyInChunks" (
            "FromNode" TEXT NOT NULL, "CopyId" INTEGER NOT NULL, "Chunk" INTEGER NOT NULL, "MessageId" INTEGER NOT NULL, "Writes" INTEGER NOT NULL,
            "WrittenAt" TEXT NULL, CONSTRAINT "PK_CopyInChunks" PRIMARY KEY ("FromNode", "CopyId", "Chunk"));

        CREATE TABLE "CopyOutChunks" (
            "CopyId" INTEGER NOT NULL, "Chunk" INTEGER NOT NULL, "MessageId" INTEGER NOT NULL,
            CONSTRAINT "PK_CopyOutChunks" PRIMARY KEY ("CopyId", "Chunk"));

        CREATE UNIQUE INDEX "IX_CopiesOut_FromNode_MessageId" ON "CopiesOut" ("FromNode", "MessageId");
        """;
}
