import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../kernel/access.decorators';
import { SigningKeyView } from './dto/signing-key.dto';
import { TransferSigningKey } from './transfer-signing-key';

/**
 * What another handler needs to check a copy the portal sent them (copy_transfer): public, like
 * the policy. The signature (`X-DSR-Signature: ed25519=<base64>`) covers the lines
 * `X-DSR-Timestamp`, the method, the path and `X-DSR-Content-SHA256`.
 */
@ApiTags('transfers')
@Controller('api/v1/transfers')
export class TransfersController {
  constructor(private readonly key: TransferSigningKey) {}

  @Get('signing-key')
  @Public()
  @ApiOkResponse({ type: SigningKeyView })
  signingKey(): SigningKeyView {
    return {
      keyId: this.key.keyId,
      algorithm: 'Ed25519',
      publicKeyPem: this.key.publicKeyPem,
      signs: 'X-DSR-Timestamp, method, path, X-DSR-Content-SHA256: one per line, joined by \\n',
    };
  }
}
