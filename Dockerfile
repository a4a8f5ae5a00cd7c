# Three images from one build (docker-compose.yml picks each by its target):
#   agent    the Native AOT agent on Ubuntu's chiseled runtime-deps base (no shell, no package manager, runs as `app`),
#            plus busybox, which gives it `setsid` and the commands an operator runs with REQCliCommand;
#   gateway  the gateway on the chiseled ASP.NET Core base;
#   setup    the one-shot set-up step (keys, CA, broker configurations: scripts/cluster-setup.sh), which needs a shell,
#            openssl and both hosts, on the full ASP.NET Core base.
# Chiseled images have no shell to source steward.env: each node reads the same settings from the appsettings.json that
# the set-up writes into its folder, which docker-compose.yml makes the working directory.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# clang, zlib and SQLite's static library link the AOT agent (as scripts/install-prerequisites.sh installs them).
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev libsqlite3-dev busybox-static \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG TARGETARCH
RUN case "${TARGETARCH:-amd64}" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; *) echo "no agent for $TARGETARCH" >&2; exit 1 ;; esac \
 && dotnet publish src/Steward.Gateway -c Release -o /app/gateway \
 && dotnet publish src/Steward.Agent -c Release -r "$rid" -o /app/agent \
 && rm -f /app/agent/*.dbg
# busybox and a link per applet, relative so that they resolve wherever the folder is copied to.
RUN mkdir -p /tools \
 && cp /bin/busybox /tools/ \
 && for applet in $(/tools/busybox --list); do ln -s busybox "/tools/$applet"; done

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS agent
COPY --from=build /tools/ /usr/local/bin/
COPY --from=build /app/agent/Steward.Agent /app/Steward.Agent
ENV PATH=/usr/local/bin:/usr/bin:/bin
VOLUME /var/steward
ENTRYPOINT ["/app/Steward.Agent"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS gateway
COPY --from=build /app/gateway/ /app/
VOLUME /var/steward
ENTRYPOINT ["dotnet", "/app/Steward.Gateway.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS setup
# openssl makes the local CA and certificates (scripts/make-certs.sh).
RUN apt-get update && apt-get install -y --no-install-recommends openssl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
COPY scripts/secure-setup.sh scripts/make-certs.sh scripts/cluster-setup.sh /app/scripts/
# What cluster-setup.sh makes the servers' configurations from.
COPY nats/hub.conf nats/leaf-site.conf /app/nats/
ENV STEWARD_GATEWAY="dotnet /app/gateway/Steward.Gateway.dll" STEWARD_AGENT=/app/agent/Steward.Agent
VOLUME /var/steward
ENTRYPOINT ["/app/scripts/cluster-setup.sh"]
