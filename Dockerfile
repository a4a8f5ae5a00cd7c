# One image for both hosts and the set-up step: docker-compose.yml picks the entry point per service. The agent here is
# the JIT one (dotnet Steward.Agent.dll); the Native AOT agent needs clang to build (README, "Install an agent").
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Steward.Gateway -c Release -o /app/gateway \
 && dotnet publish src/Steward.Agent -c Release -p:PublishAot=false -o /app/agent

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# openssl makes the local CA and certificates (scripts/make-certs.sh).
RUN apt-get update && apt-get install -y --no-install-recommends openssl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
COPY scripts/secure-setup.sh scripts/make-certs.sh scripts/cluster-setup.sh /app/scripts/
# What cluster-setup.sh makes the servers' configurations from.
COPY nats/hub.conf nats/leaf-site.conf /app/nats/
VOLUME /var/steward
