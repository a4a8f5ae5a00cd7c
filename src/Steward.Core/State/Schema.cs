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
    public const string Create = """
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
            "At" TEXT NOT NULL
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
            "Labels" TEXT NULL
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
            "UpdatedAt" TEXT NOT NULL
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
}
