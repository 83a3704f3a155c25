# Lists the certificates of one store. The adapter reads subject, SAN names and expiry from the
# DER bytes itself, so the output does not depend on the display language of Windows.
#
# Request: { location, storeName }
# Result:  { ok, certificates: [{ thumbprint, hasPrivateKey, derBase64 }] }
. (Join-Path $PSScriptRoot 'store-common.ps1')

function Get-StoreListing($Request) {
    Assert-RequestField $Request @('location', 'storeName')
    $location = Get-StoreLocation $Request.location

    $store = Open-ExistingStore $Request.storeName $location
    if ($null -eq $store) { return @{ certificates = @() } }
    try {
        $certificates = New-Object System.Collections.Generic.List[object]
        foreach ($certificate in $store.Certificates) {
            $certificates.Add(@{
                    thumbprint    = $certificate.Thumbprint
                    hasPrivateKey = $certificate.HasPrivateKey
                    derBase64     = [Convert]::ToBase64String($certificate.RawData)
                })
        }
        return @{ certificates = $certificates.ToArray() }
    }
    finally { $store.Close() }
}

# Opens the store read-only without creating it, or returns $null when it does not exist.
# Windows reports a missing store as ERROR_FILE_NOT_FOUND; .NET on Linux and macOS returns an
# empty store for a read-only open of a missing one and creates nothing.
function Open-ExistingStore([string]$StoreName, $Location) {
    if (-not (Test-IsWindows)) { return Open-Store $StoreName $Location 'ReadOnly' }
    try {
        return Open-Store $StoreName $Location 'ReadOnly, OpenExistingOnly'
    }
    catch {
        $fileNotFound = -2147024894
        if ($_.Exception.GetBaseException().HResult -eq $fileNotFound) { return $null }
        throw
    }
}

Invoke-StoreRequest ${function:Get-StoreListing} $script:ExitCode.Unexpected
