import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../kernel/access.decorators';
import { DataCategoriesService } from './data-categories.service';
import { DataCategoryView } from './dto/data-category.dto';

/** Public like the policy: anyone may read which categories are held, under which clauses, and what can be corrected. */
@ApiTags('policy')
@Controller('api/v1/data-categories')
export class DataCategoriesController {
  constructor(private readonly categories: DataCategoriesService) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: [DataCategoryView] })
  list(): Promise<DataCategoryView[]> {
    return this.categories.list();
  }
}
