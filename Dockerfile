# One image for both hosts: docker-compose.yml picks the entry point per service.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Steward.Gateway -c Release -o /app/gateway \
 && dotnet publish src/Steward.Agent -c Release -o /app/agent

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app /app
VOLUME /var/steward
