<#
.SYNOPSIS
    Helpers dot-sourced by every ResyncGlb operation script in this folder.

.DESCRIPTION
    The scripts in ps1/ are called by the ResyncGlb bundle (src/operations/windows) through one
    node-powershell session, always as

        & '<absolute path of the script>' '<base64 of a UTF-8 JSON request>'

    so no caller data is ever part of script text. Each script dot-sources this file and hands its
    work to Invoke-DssOperation (common/Envelope.ps1), which decodes the request, runs the work and
    writes exactly one line: a compressed JSON envelope, {"ok":true,"data":...} or
    {"ok":false,"error":{"id","category","message","target"}}.

    Everything here is PowerShell 2.0 language and .NET 2.0 API, on purpose:
      * JSON is read and written by the small functions of common/Json.ps1, not by ConvertFrom-Json or
        ConvertTo-Json. Those cmdlets do not exist in PowerShell 2.0, and where they do exist they
        change data: ConvertFrom-Json in PowerShell 7 turns date-like strings into DateTime, and in
        Windows PowerShell 5.1 turns "/Date(0)/" into a DateTime. A requestor name must arrive
        byte for byte, so that parser keeps every string a string.
      * The envelope is written as pure ASCII (every character above 0x7E is escaped as \uXXXX), so
        it reaches Node intact whatever the console code page of the child is.

    Names of registry keys, values, types and services are never written here: they come from
    src/shared/dss-contract.json, sent by the TypeScript side inside each request.

    Transports (the "transport" field of every request):
      Local     the operation runs in this PowerShell process (the workstation is the DSS).
      Remoting  the operation's core scriptblock runs on the DSS through the PSSession that
                Initialize-DssSession.ps1 opened ($global:ResyncGlbDss.Session). Those scriptblocks
                use only PowerShell 2.0 language and cmdlets and return plain hashtables.
      Rpc       for a DSS without PowerShell: remote registry, remote service control and the
                administrative share, driven from this process.

.NOTES
    ASCII only. Part of ResyncGlb; see docs/ARCHITECTURE.md.
#>

Set-StrictMode -Version 2

# The parts, by concern, in this order. The build (build.mjs) writes this file into the shipped
# module with the text of each part in place of its line, so there every script loads one file and
# no parts folder ships; from the sources the parts are dot-sourced here (docs/ARCHITECTURE.md,
# "The ps1 scripts").

$DssCommonFolder = Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) 'common'
. (Join-Path $DssCommonFolder 'Errors.ps1')
. (Join-Path $DssCommonFolder 'Json.ps1')
. (Join-Path $DssCommonFolder 'Envelope.ps1')
. (Join-Path $DssCommonFolder 'Transport.ps1')
. (Join-Path $DssCommonFolder 'AdminShare.ps1')
. (Join-Path $DssCommonFolder 'Credential.ps1')
. (Join-Path $DssCommonFolder 'Service.ps1')
. (Join-Path $DssCommonFolder 'Registry.ps1')
. (Join-Path $DssCommonFolder 'Dxadata.ps1')
. (Join-Path $DssCommonFolder 'Files.ps1')
Remove-Variable -Name DssCommonFolder
