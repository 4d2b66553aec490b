#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The module's side of the protocol: garbage, a dying engine, a stopped pipeline, the credential.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $module = Import-Module (Join-Path (Get-TestRoot) 'dist/ResyncGlb/ResyncGlb.psd1') -Force -PassThru
    $realBundle = & $module { $script:BundlePath }
    function Use-FakeBundle([string] $Script) {
        $path = Join-Path $TestDrive ("fake-" + [guid]::NewGuid().ToString('N') + '.cjs')
        Set-Content -LiteralPath $path -Value $Script
        & $module { param($p) $script:BundlePath = $p } $path
        $path
    }
}

Describe 'Invoke-ResyncBundle' {
    AfterEach {
        & $module { param($p) $script:BundlePath = $p } $realBundle
    }

    It 'reports an engine that prints garbage and dies as ResyncGlb.ProtocolError, quoting what it printed' {
        Use-FakeBundle "process.stdout.write('this is not json\n'); process.exit(0);"
        $err = $null
        try { Get-ResyncGlb -Path $PSCommandPath } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.ProtocolError,Get-ResyncGlb'
        $err.Exception.Message | Should -Match 'this is not json'
    }

    It 'reports an engine that exits without finishing, with its exit code and error output' {
        Use-FakeBundle "process.stdout.write(JSON.stringify({event:'hello',protocol:1,version:'x',pid:1})+'\n'); process.stderr.write('boom from engine'); process.exit(7);"
        $err = $null
        try { Get-ResyncGlb -Path $PSCommandPath } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.ProtocolError,Get-ResyncGlb'
        $err.Exception.Message | Should -Match 'exit code 7'
        $err.Exception.Message | Should -Match 'boom from engine'
    }

    It 'refuses an engine of another protocol version' {
        Use-FakeBundle "process.stdout.write(JSON.stringify({event:'hello',protocol:99,version:'x',pid:1})+'\n'); setTimeout(()=>{},100000);"
        { Get-ResyncGlb -Path $PSCommandPath } | Should -Throw -ExpectedMessage '*protocol 99*'
    }

    It 'sends the request on stdin, never on the command line, and the password only inside it' {
        $capture = Join-Path $TestDrive 'capture.json'
        Use-FakeBundle @"
const fs = require('fs');
let buf = '';
process.stdin.on('data', d => { buf += d; if (buf.includes('\n')) {
  fs.writeFileSync(process.argv[1] + '.json', JSON.stringify({ argv: process.argv, env: process.env, line: buf.split('\n')[0] }));
  process.stdout.write(JSON.stringify({event:'hello',protocol:1,version:'x',pid:1})+'\n');
  process.stdout.write(JSON.stringify({event:'end',exitCode:0})+'\n');
  process.exit(0);
}});
"@ | Out-Null
        $fake = & $module { $script:BundlePath }
        $secret = ConvertTo-SecureString 'Pa$$-w0rd-"x"' -AsPlainText -Force
        $cred = [pscredential]::new('CORP\admin', $secret)
        New-ResyncGlb -ComputerName EXCH01 -Transport Rpc -Credential $cred -Requestor 'PO1' -Force
        $seen = Get-Content -Raw "$fake.json" | ConvertFrom-Json
        ($seen.argv -join ' ') | Should -Not -Match 'Pa\$\$'
        ($seen.argv -join ' ') | Should -Not -Match 'PO1'
        ($seen.env | ConvertTo-Json) | Should -Not -Match 'Pa\$\$'
        $request = $seen.line | ConvertFrom-Json
        $request.secret.password | Should -BeExactly 'Pa$$-w0rd-"x"'
        $request.params.requestor | Should -Be @('PO1')
    }

    It 'keeps hostile names byte for byte into the request' {
        Use-FakeBundle @"
let buf = '';
process.stdin.on('data', d => { buf += d; if (buf.includes('\n')) {
  const req = JSON.parse(buf.split('\n')[0]);
  process.stdout.write(JSON.stringify({event:'hello',protocol:1,version:'x',pid:1})+'\n');
  process.stdout.write(JSON.stringify({event:'result',type:'X.Echo',data:{Requestor:req.params.requestor}})+'\n');
  process.stdout.write(JSON.stringify({event:'end',exitCode:0})+'\n');
  process.exit(0);
}});
"@ | Out-Null
        # typographic quotes are quote characters to PowerShell, so they are built from their code points
        $typographic = -join [char[]]@(0x2018, 0x78, 0x2019, 0x20, 0x201C, 0x79, 0x201D)
        $names = @("a'b`"c", $typographic, '$(Remove-Item -Recurse /)', '`n; | &', "Z$([char]0xFC)rich $([char]0x6771)$([char]0x4EAC)")
        $r = New-ResyncGlb -LabPath $TestDrive -Requestor $names -Force
        $r.Requestor | Should -Be $names
    }
}

Describe 'a stopped pipeline' {
    It 'cancels the engine, which rolls back: no value left, service running' {
        $lab = New-TestLab
        try {
            $null = Invoke-TestCli -Arguments @('lab', 'fault', $lab, '--unrecognise')
            $ps = [powershell]::Create()
            $null = $ps.AddScript({
                    param($manifest, $lab)
                    Import-Module $manifest
                    New-ResyncGlb -LabPath $lab -Requestor PO1 -RecognitionTimeoutSec 120 -Force
                }).AddArgument((Join-Path (Get-TestRoot) 'dist/ResyncGlb/ResyncGlb.psd1')).AddArgument($lab)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Get-TestLabValue -Path $lab) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-TestLabValue -Path $lab | Should -Be @('PO1')
            $ps.Stop()
            $ps.Dispose()
            Get-TestLabValue -Path $lab | Should -BeNullOrEmpty
            ((Invoke-TestCli -Arguments @('lab', 'status', $lab, '--json')).Output | ConvertFrom-Json).Status | Should -Be 'Running'
        }
        finally {
            Remove-TestLab -Path $lab
        }
    }
}
